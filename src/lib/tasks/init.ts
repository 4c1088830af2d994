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

export interface RunInitOptions {
  input: InitInput;
  /** The `twilio` library client, as cli-core builds it. */
  client: any;
  configDir: string;
  profileId: string;
  /** cli-core's inquirer, only when a person is at a terminal. */
  inquirer?: any;
  log: (message: string) => void;
  /** The wizard shows these before it asks for the flow. */
  showEntryPoints?: (points: EntryPoint[]) => void;
  /** The wizard shows the probe's result right after the URL. */
  showProbe?: (probe: ProbeOutcome) => void;
  /** Tells the wizard's person something between questions. */
  say?: (message: string) => void;
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
  const transport = options.debug ? withDebugLog(createTransport(), options.debug, 'bot probe') : createTransport();

  // Every run reads the account, also when nothing changed: wrong credentials and
  // deleted resources show here rather than in a later command.
  const result = await decideSetup(options.input, {
    api,
    saved,
    showEntryPoints: options.showEntryPoints,
    showProbe: options.showProbe,
    ask: options.inquirer ? inquirerAsker(options.inquirer, options.say) : undefined,
    validateEndpoint: (url) => {
      parseEndpointUrl(url);
      registerEndpointSecret(url);
    },
    probe: async (url, testMode, requestFormat, channelModel) => {
      options.log(`Probing ${redactEndpoint(url)}${testMode ? ' (test mode)' : ''} with the flow's ${requestFormat === 'json' ? 'JSON' : 'form-encoded'} body…`);
      return probeEndpoint(transport, url, { testMode, requestFormat, channelModel });
    },
  }).catch((error) => {
    throw explainAuthFailure(error, options.credentials);
  });
  const changed = saveSetup(file, api.accountSid, result.setup, options.profileId);
  return { ...result, accountSid: api.accountSid, file, changed };
}

function inquirerAsker(inquirer: any, say?: (message: string) => void): Asker {
  return {
    async input(message, o) {
      const { value } = await inquirer.prompt([
        {
          type: 'input',
          name: 'value',
          message,
          default: o.default,
          validate: o.validate,
          transformer: o.shownAfterEntry && ((v: string, _answers: unknown, flags?: { isFinal?: boolean }) => (flags?.isFinal ? o.shownAfterEntry!(v) : v)),
        },
      ]);
      return value;
    },
    async choose(message, choices, defaultValue) {
      const { value } = await inquirer.prompt([{ type: 'list', name: 'value', message, choices, default: defaultValue }]);
      return value;
    },
    say,
  };
}
