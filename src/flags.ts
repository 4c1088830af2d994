import { Flags } from '@oclif/core';
import { UsageError } from './lib/errors';
import { BOT_FAILURE_ACTIONS, CHANNEL_MODELS, REQUEST_FORMATS } from './lib/domain/setup';

/**
 * Flags shared by the commands that read the saved setup. Each overrides the saved
 * value, so CI can run every command from flags and env alone.
 */
export const endpointFlag = {
  'endpoint-url': Flags.string({
    description:
      'Cognigy REST endpoint URL (https://endpoint-….cognigy.ai/<token>); also COGNIGY_ENDPOINT_URL. A secret: shown redacted.',
  }),
  'test-mode': Flags.boolean({
    description: "Send to the endpoint's /test/ path (Cognigy test mode: not billed).",
    allowNo: true,
  }),
};

export const setupFlags = {
  ...endpointFlag,
  workspace: Flags.string({ description: 'TaskRouter workspace (SID WS… or name).' }),
  workflow: Flags.string({ description: 'TaskRouter workflow that routes hand-overs (SID WW… or name).' }),
  'task-channel': Flags.string({ description: 'Task channel of hand-overs (SID TC… or unique name: chat, sms…).' }),
  flow: Flags.string({ description: 'Existing Studio flow to patch or update (SID FW… or name).' }),
  'new-flow': Flags.string({ description: 'Name of a Studio flow to create.' }),
  'channel-model': Flags.enum({
    description: 'Flex Conversations or legacy Flex messaging.',
    options: [...CHANNEL_MODELS],
  }),
  'escalation-key': Flags.string({ description: "Key in the bot output's data that asks for an agent (default: escalation)." }),
  'on-bot-failure': Flags.enum({
    description: 'What the flow does when the bot fails: hand over to Flex, or apologise and end.',
    options: [...BOT_FAILURE_ACTIONS],
  }),
  'request-format': Flags.enum({
    description: 'How the flow sends each message to the bot: form parameters (default) or a JSON body. init probes the chosen one.',
    options: [...REQUEST_FORMATS],
  }),
};

/** The flags above, as the library's plain input. */
export function setupInputFromFlags(flags: Record<string, any>) {
  return {
    endpointUrl: flags['endpoint-url'] ?? (process.env.COGNIGY_ENDPOINT_URL || undefined),
    testMode: flags['test-mode'],
    workspace: flags.workspace,
    workflow: flags.workflow,
    taskChannel: flags['task-channel'],
    flow: flags.flow,
    newFlow: flags['new-flow'],
    channelModel: flags['channel-model'],
    escalationKey: flags['escalation-key'],
    onBotFailure: flags['on-bot-failure'],
    requestFormat: flags['request-format'],
  };
}

/**
 * The `MORE INFO` link of a command's help: the twilio host otherwise derives one from
 * its API map and prints https://twilio.com/docs/api/ for every plugin command. The
 * anchor is the README heading "`twilio cognigy:<command>`" as GitHub and npm slug it:
 * lower case, punctuation other than `-` dropped, spaces to `-` (link-flow keeps its `-`).
 */
export function docLink(command: 'init' | 'link-flow' | 'test-chat' | 'escalate'): string {
  return `https://www.npmjs.com/package/twilio-plugin-cognigy#twilio-cognigy${command}`;
}

interface FlagShape {
  type: 'boolean' | 'option';
  char?: string;
  allowNo?: boolean;
  multiple?: boolean;
}

/** What a command-line word looks like when it is a flag (`-5` or `-` are values). */
const FLAG_LIKE = /^--?[A-Za-z]/;

/** A flag of the setup that a command does not take, with why and what to do instead. */
export interface RefusedFlag {
  message: string;
  hint: string;
}

/**
 * Check the command line before oclif parses it, so that a typo never becomes input:
 * oclif lets a repeatable flag (`-m`) take every word that follows it, an unknown flag
 * included, and lets any flag take the next flag as its value. Every word must be a known
 * flag or the value right after one; a value that looks like a flag is refused unless it
 * is given as `--flag=value`. A flag in `refused` (one the other commands take) is refused
 * with its own reason rather than as unknown.
 */
export function checkArguments(argv: readonly string[], flags: Record<string, FlagShape>, help: string, refused: Readonly<Record<string, RefusedFlag>> = {}): void {
  const byChar = new Map(Object.entries(flags).filter(([, f]) => f.char).map(([name, f]) => [f.char!, name]));
  const seeHelp = `See: ${help}`;
  let previous: string | undefined;
  const words = [...argv];
  while (words.length) {
    const word = words.shift()!;
    if (word === '--') return;
    if (!FLAG_LIKE.test(word)) {
      // The value is printed through redaction, which has registered every token-shaped argument.
      const url = /^https?:\/\//i.test(word) && flags['endpoint-url'];
      const after = previous ? ` after --${previous}` : '';
      throw new UsageError(
        `Unexpected argument "${word}"${after}: this command takes flags only.`,
        url
          ? `Did you mean --endpoint-url URL? ${seeHelp}`
          : previous && flags[previous].multiple
            ? `Each value needs its own flag (--${previous} "hi" --${previous} "there"); quote a value that has spaces.`
            : `Quote a value that has spaces. ${seeHelp}`,
      );
    }
    const long = word.startsWith('--');
    const eq = word.indexOf('=');
    let name: string | undefined;
    let inline: string | undefined;
    if (long) {
      const given = eq === -1 ? word.slice(2) : word.slice(2, eq);
      inline = eq === -1 ? undefined : word.slice(eq + 1);
      name = flags[given] ? given : given.startsWith('no-') && flags[given.slice(3)]?.allowNo ? given.slice(3) : undefined;
      if (!name && Object.hasOwn(refused, given)) throw new UsageError(refused[given].message, refused[given].hint);
      if (!name) throw new UsageError(`Unknown flag --${given}.`, seeHelp);
    } else {
      name = byChar.get(word[1]);
      if (!name) throw new UsageError(`Unknown flag -${word[1]}.`, seeHelp);
      const rest = word.slice(2);
      if (flags[name].type === 'boolean') {
        // Short flags may be bundled (`-ys`, `-yo json`): as oclif does, the rest is the next flag.
        if (rest && !/^[A-Za-z]/.test(rest)) throw new UsageError(`-${word[1]} (--${name}) takes no value.`, seeHelp);
        if (rest) words.unshift(`-${rest}`);
        previous = name;
        continue;
      }
      inline = rest ? rest.replace(/^=/, '') : undefined;
    }
    previous = name;
    if (flags[name].type === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value.`, `Write --${name}${flags[name].allowNo ? ` or --no-${name}` : ''}.`);
      continue;
    }
    if (inline !== undefined) continue;
    const value = words.shift();
    if (value === undefined) throw new UsageError(`--${name} needs a value.`, seeHelp);
    if (FLAG_LIKE.test(value)) {
      throw new UsageError(`--${name} needs a value, but is followed by the flag ${value.split(/[=\s]/)[0]}.`, `Give the value after --${name}; for a value that starts with "-", write --${name}=VALUE.`);
    }
  }
}

/** The output format asked for on a command line oclif could not parse (`-o json`, `-ojson`, `--cli-output-format=json`). */
export function outputFormatIn(argv: readonly string[]): string | undefined {
  let format: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const word = argv[i];
    if (word === '--') break;
    const m = /^(?:-o|--cli-output-format)(?:=?(.+))?$/.exec(word);
    if (m) format = m[1] ?? argv[++i];
  }
  return format;
}
