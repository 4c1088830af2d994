import { UsageError } from '../errors';
import { redactEndpoint } from '../redact';
import type { BotFailureAction, ChannelModel, RequestFormat } from '../domain/setup';
import { DEFAULT_REPLY_TIMEOUT_SECONDS } from '../domain/studio';

/** What the bot loop is built from (normally the saved setup plus flags). */
export interface BuildOptions {
  /** The Cognigy REST endpoint URL; its last path segment is the secret URL token. */
  endpointUrl: string;
  /** Call the endpoint's `/test/<token>` path (Cognigy test mode). */
  testMode?: boolean;
  channelModel: ChannelModel;
  /** How the HTTP widget encodes the bot call: form parameters (default) or a JSON body. */
  requestFormat?: RequestFormat;
  /** Path inside the bot's `data` that asks for an agent, e.g. `escalation` or `handover.requested`. */
  escalationKey: string;
  onBotFailure: BotFailureAction;
  /** TaskRouter workflow (WW…) of a send-to-flex the builder creates. */
  workflowSid: string;
  /** TaskRouter task channel (TC…) of a send-to-flex the builder creates. */
  taskChannelSid: string;
  description?: string;
  botFailureMessage?: string;
  escalationMessage?: string;
  replyTimeoutSeconds?: number;
}

/**
 * The escalation key ends up inside a Liquid expression
 * (`widgets.ProcessUserInput.parsed.data.<key>`), so only plain names and dotted paths
 * pass: no spaces, quotes, braces, pipes or brackets that could inject Liquid.
 * A segment may not start with a digit or "-" (Liquid would not read it as a name).
 */
const ESCALATION_KEY = /^[A-Za-z_][A-Za-z0-9_-]*(\.[A-Za-z_][A-Za-z0-9_-]*)*$/;
const MAX_ESCALATION_KEY_LENGTH = 64; // as src/lib/setup/validate.ts

export function isValidEscalationKey(key: string): boolean {
  return typeof key === 'string' && key.length <= MAX_ESCALATION_KEY_LENGTH && ESCALATION_KEY.test(key);
}

export function assertEscalationKey(key: string): void {
  if (!isValidEscalationKey(key)) {
    throw new UsageError(
      `The escalation key ${JSON.stringify(String(key).slice(0, 120))} is not a data key.`,
      'Use letters, digits, "_" or "-", and dots for nesting (e.g. escalation or handover.requested).',
    );
  }
}

const WORKFLOW_SID = /^WW[0-9a-fA-F]{32}$/;
const TASK_CHANNEL_SID = /^TC[0-9a-fA-F]{32}$/;
/** Studio has no documented cap on the reply wait; an execution lives at most 30 days. */
const MAX_REPLY_TIMEOUT_SECONDS = 30 * 24 * 3600;

/**
 * The URL the flow's HTTP widget calls: in test mode `/test/` goes before the token
 * (`https://host/<token>` → `https://host/test/<token>`), unless it is already there.
 */
export function botRequestUrl(endpointUrl: string, testMode = false): string {
  const url = parseEndpoint(endpointUrl);
  const segments = url.pathname.split('/').filter(Boolean);
  if (testMode && segments[segments.length - 2] !== 'test') {
    segments.splice(segments.length - 1, 0, 'test');
  }
  return `${url.protocol}//${url.host}/${segments.join('/')}${url.search}`;
}

function parseEndpoint(endpointUrl: string): URL {
  let url: URL | undefined;
  try {
    url = new URL(endpointUrl);
  } catch {
    url = undefined;
  }
  const shown = url ? redactEndpoint(endpointUrl) : 'the given value';
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new UsageError(`The Cognigy endpoint URL (${shown}) is not an http(s) URL.`, 'Copy the REST endpoint URL from Cognigy.AI (Deploy → Endpoints).');
  }
  // The URL is a Liquid template inside the flow: braces would be rendered by Studio.
  if (/[{}]/.test(endpointUrl) || url.hash) {
    throw new UsageError(`The Cognigy endpoint URL (${shown}) holds "{", "}" or "#".`, 'Use the plain REST endpoint URL.');
  }
  if (url.pathname.split('/').filter(Boolean).length === 0) {
    throw new UsageError(`The Cognigy endpoint URL (${shown}) has no URL token.`, 'The URL ends with the endpoint token, e.g. https://endpoint-trial.cognigy.ai/<token>.');
  }
  return url;
}

/** Check every option and fill the defaults that do not depend on the flow. */
export function checkBuildOptions(options: BuildOptions): void {
  botRequestUrl(options.endpointUrl, options.testMode);
  assertEscalationKey(options.escalationKey);
  if (options.channelModel !== 'conversations' && options.channelModel !== 'legacy') {
    throw new UsageError(`Unknown channel model "${String(options.channelModel)}".`, 'Use conversations or legacy.');
  }
  if (options.requestFormat !== undefined && options.requestFormat !== 'form' && options.requestFormat !== 'json') {
    throw new UsageError(`Unknown request format "${String(options.requestFormat)}".`, 'Use form or json.');
  }
  if (options.onBotFailure !== 'escalate' && options.onBotFailure !== 'end') {
    throw new UsageError(`Unknown bot failure action "${String(options.onBotFailure)}".`, 'Use escalate or end.');
  }
  if (!WORKFLOW_SID.test(options.workflowSid ?? '')) {
    throw new UsageError(`"${String(options.workflowSid)}" is not a TaskRouter workflow SID.`, 'A workflow SID is WW followed by 32 hex digits.');
  }
  if (!TASK_CHANNEL_SID.test(options.taskChannelSid ?? '')) {
    throw new UsageError(`"${String(options.taskChannelSid)}" is not a TaskRouter task channel SID.`, 'A task channel SID is TC followed by 32 hex digits.');
  }
  const timeout = options.replyTimeoutSeconds ?? DEFAULT_REPLY_TIMEOUT_SECONDS;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_REPLY_TIMEOUT_SECONDS) {
    throw new UsageError(`The reply timeout ${String(timeout)} is not a whole number of seconds between 1 and ${MAX_REPLY_TIMEOUT_SECONDS}.`);
  }
}
