import { checkRequest, escalate, type EscalateRequest, type EscalateResult } from '../flex/escalate';
import { loadSavedSetupFor } from '../setup/saved';
import { resolveSetup, type SetupInput } from '../setup/resolve';
import { EscalateTwilioApi } from '../twilio/api';

/** Never sent anywhere: escalate does not call the bot, but resolveSetup wants an endpoint. */
const UNUSED_ENDPOINT = 'https://escalate.invalid/unused';

export interface RunEscalateOptions {
  request: EscalateRequest;
  input: Pick<SetupInput, 'workspace' | 'workflow' | 'taskChannel' | 'flow' | 'channelModel'>;
  /** The `twilio` library client, as cli-core builds it. */
  client: any;
  configDir: string;
}

/** `cognigy:escalate` end to end: check the input, resolve the setup, escalate. */
export async function runEscalate(o: RunEscalateOptions): Promise<EscalateResult> {
  checkRequest(o.request, o.input.channelModel ?? 'conversations');
  const api = new EscalateTwilioApi(o.client);
  const saved = loadSavedSetupFor(o.configDir, api.accountSid);
  const setup = await resolveSetup({ ...o.input, endpointUrl: saved?.endpointUrl ?? UNUSED_ENDPOINT }, saved, { api, requireFlex: true });
  return escalate(o.request, { api, setup });
}
