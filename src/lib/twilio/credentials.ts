import { CognigyError } from '../errors';

/** The credentials cli-core resolved for this run (`this.currentProfile`); none of it secret. */
export interface CredentialSource {
  /** A profile name, or cli-core's `${TWILIO_…}/${TWILIO_…}` id for env credentials. */
  id: string;
  accountSid?: string;
  /** The API key SID, or the account SID when an auth token is used. */
  apiKey?: string;
  region?: string;
}

/** Where the credentials came from, as a person would name them. */
export function describeCredentials(source: CredentialSource): { used: string; fix: string } {
  const key = source.apiKey && source.apiKey !== source.accountSid ? `API key ${source.apiKey}` : 'its auth token';
  const region = source.region ? `, region ${source.region}` : '';
  if (source.id.startsWith('${TWILIO_API_KEY}')) {
    return {
      used: `TWILIO_API_KEY ${source.apiKey} with TWILIO_API_SECRET for account ${source.accountSid} (from the environment${region})`,
      fix: 'Set TWILIO_API_SECRET to the secret of that key (or a new key from Console > Account > API keys & tokens), or unset TWILIO_ACCOUNT_SID to use a profile.',
    };
  }
  if (source.id.startsWith('${TWILIO_')) {
    return {
      used: `TWILIO_ACCOUNT_SID ${source.accountSid} with TWILIO_AUTH_TOKEN (from the environment${region})`,
      fix: "Set TWILIO_AUTH_TOKEN to the account's current auth token (Console > Account > API keys & tokens), or unset TWILIO_ACCOUNT_SID to use a profile.",
    };
  }
  return {
    used: `profile "${source.id}" (account ${source.accountSid}, ${key}${region})`,
    fix: `Create it again with new credentials: twilio profiles:create ${source.accountSid ?? 'AC…'} --profile "${source.id}" (it asks before replacing), or choose another with -p (twilio profiles:list).`,
  };
}

/**
 * Twilio's 20003 (Authenticate) says only that the credentials were refused, and the
 * host adds a hint about regional resources that rarely applies; say which credentials
 * were used and how to fix them. Any other error is returned as it is.
 */
export function explainAuthFailure(error: any, source: CredentialSource | undefined): unknown {
  const code = String(error?.exitCode ?? error?.data?.code ?? error?.code ?? '');
  if (code !== '20003' || !source) return error;
  const { used, fix } = describeCredentials(source);
  return new CognigyError(`Twilio refused the credentials (error 20003, Authenticate): ${used}.`, {
    hint: fix,
    exitCode: 20,
    code: '20003',
    details: { status: 401, credentials: source.id },
  });
}
