import { registerEndpointSecret } from '../redact';
import { loadSetup, setupFilePath } from './store';
import type { Setup } from '../domain/setup';

/** The saved setup of an account, if any; the endpoint is registered for redaction. */
export function loadSavedSetupFor(configDir: string, accountSid: string | undefined): Setup | undefined {
  if (!accountSid) return undefined;
  const setup = loadSetup(setupFilePath(configDir), accountSid);
  registerEndpointSecret(setup?.endpointUrl);
  return setup;
}
