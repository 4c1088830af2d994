import { TwilioApi } from '../twilio/api';
import { Asker, InitInput, InitResult, ProbeOutcome, decideSetup } from '../setup/init';
import { CredentialSource, explainAuthFailure } from '../twilio/credentials';
import type { EntryPoint } from '../flex/discovery';
import { loadSetup, saveSetup, setupFilePath } from '../setup/store';
import { parseEndpointUrl } from '../cognigy/endpoint';
import { probeEndpoint } from '../setup/probe';
import { withDebugLog } from '../http/debug-log';
import { createTransport } from '../http/transport';
import { redactEndpoint, registerEndpointSecret } from '../redact';
import { notBusy, type Busy } from '../domain/busy';

export interface RunInitOptions {
  input: InitInput;
  /** The `twilio` library client, as cli-core builds it. */
  client: any;
  configDir: string;
  profileId: string;
  /** The wizard's questions, only when a person is at a terminal. */
  ask?: Asker;
  /** Shows the probe and the reads of the account while they last. */
  busy?: Busy;
  /** The wizard shows these before it asks for the flow. */
  showEntryPoints?: (points: EntryPoint[]) => void;
  /** The wizard shows the probe's result right after the URL. */
  showProbe?: (probe: ProbeOutcome) => void;
  /** Which credentials this run uses, to explain a refusal (20003). */
  credentials?: CredentialSource;
  /** `-l debug`: log the probe's HTTP call (absent otherwise, and nothing is wrapped). */
  debug?: (line: string) => void;
}

export interface RunInitResult extends InitResult {
  accountSid: string;
  file: string;
  changed: boolean;
}

/** `cognigy:init` end to end: decide, probe, save. */
export async function runInit(options: RunInitOptions): Promise<RunInitResult> {
  const api = new TwilioApi(options.client);
  const file = setupFilePath(options.configDir);
  const saved = loadSetup(file, api.accountSid);
  registerEndpointSecret(saved?.endpointUrl);
  const busy = options.busy ?? notBusy;
  const transport = options.debug ? withDebugLog(createTransport(), options.debug, 'bot probe') : createTransport();

  // Every run reads the account, also when nothing changed: wrong credentials and
  // deleted resources show here rather than in a later command.
  const result = await decideSetup(options.input, {
    api,
    saved,
    showEntryPoints: options.showEntryPoints,
    showProbe: options.showProbe,
    ask: options.ask,
    validateEndpoint: (url) => {
      parseEndpointUrl(url);
      registerEndpointSecret(url);
    },
    probe: (url, testMode, requestFormat, channelModel) =>
      busy({ kind: 'probe', endpoint: redactEndpoint(url), testMode, requestFormat }, () => probeEndpoint(transport, url, { testMode, requestFormat, channelModel })),
    busy,
  }).catch((error) => {
    throw explainAuthFailure(error, options.credentials);
  });
  const changed = saveSetup(file, api.accountSid, result.setup, options.profileId);
  return { ...result, accountSid: api.accountSid, file, changed };
}
