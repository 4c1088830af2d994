import type { HttpRequest } from '../http/types';
import type { ChannelModel } from '../domain/setup';
import type { KeyValue, WidgetState } from '../domain/flow';
import { SPLIT_CONDITION_TYPES, type ModelledWidgetType, type WidgetEvent } from '../domain/widgets';
import { evaluateCondition } from './conditions';
import { mediaFields, type FlowContext } from './context';
import type { ConditionResult, EndReason, FlowEvent, FunctionEvent, HttpCallDetails, HttpEvent, InboundEvent, VariablesEvent } from './events';
import {
  appendQuery,
  classifyHttpResult,
  formEncode,
  type HttpLimits,
  type HttpResult,
} from './http-call';
import { renderAsStudio } from './liquid';
import type { SidFactory } from './sids';
import { DEFAULT_REPLY_TIMEOUT_SECONDS, DEFAULT_TASK_TIMEOUT_SECONDS, FORM_CONTENT_TYPE, MAX_TASK_ATTRIBUTES_CHARS, MAX_TASK_TIMEOUT_SECONDS } from '../domain/studio';

/** Studio's default send-to-flex attributes (legacy Flex), used when the widget has none. */
export const DEFAULT_FLEX_ATTRIBUTES =
  '{"name": "{{trigger.message.ChannelAttributes.from}}", "channelType": "{{trigger.message.ChannelAttributes.channel_type}}", "channelSid": "{{trigger.message.ChannelSid}}"}';

/** A request for I/O the pure core cannot do itself; the driver performs it. */
export type Effect =
  | { type: 'http'; widget: string; request: HttpRequest }
  | { type: 'wait-for-reply'; widget: string; timeoutSeconds: number };

/** What a widget is waiting for between steps. */
export type Pending =
  | { kind: 'reply'; widget: string; timeoutSeconds: number; outbound: Record<string, string> }
  | {
      kind: 'http' | 'function';
      widget: string;
      call: Pick<HttpCallDetails, 'method' | 'url' | 'contentType' | 'requestBody'>;
      /** The pairs `requestBody` encodes (see HttpRequest.form). */
      form?: ReadonlyArray<readonly [string, string]>;
    };

/** `E`: the events the widget may follow (a handler's are its type's, from the registry). */
export type WidgetOutcome<E extends string = string> =
  | { kind: 'follow'; event: E }
  | { kind: 'goto'; next: string | undefined; via: string }
  | { kind: 'effect'; effect: Effect; pending: Pending }
  /** `local`: only the local run cannot go on (nothing Studio would do); a subflow's parent does not take `failed` for it. */
  | { kind: 'end'; reason: EndReason; message: string; local?: boolean }
  | { kind: 'subflow'; flowSid: string; parameters: Record<string, string> };

/** What a widget handler can see and do during a step (implemented by the core). */
export interface WidgetRun {
  readonly at: number;
  readonly context: FlowContext;
  readonly model: ChannelModel;
  readonly sid: SidFactory;
  readonly httpLimits: HttpLimits;
  /** The URL given for a run-function whose export has none (by widget name or function SID). */
  functionUrl(widget: string, functionSid: string): string | undefined;
  /** Renders a template; throws TemplateError (81018) naming widget and property. */
  render(widget: string, property: string, source: unknown): string;
  emit(event: FlowEvent): void;
  setWidget(name: string, output: Record<string, unknown>): void;
  setVariables(changed: Record<string, unknown>): void;
  /** The send-to-flex that created a task in this execution, if one did. */
  readonly handedOverBy: string | undefined;
  /** A send-to-flex created the task: the customer is with an agent from now on. */
  markHandover(widget: string): void;
}

/** A modelled type's handler: it can follow only the events the registry gives its type. */
type Handler<T extends ModelledWidgetType> = (run: WidgetRun, state: WidgetState) => WidgetOutcome<WidgetEvent<T>>;

function keyValues(value: unknown): KeyValue[] {
  if (!Array.isArray(value)) return [];
  return value.filter(
    (kv): kv is KeyValue => kv !== null && typeof kv === 'object' && typeof (kv as KeyValue).key === 'string',
  );
}

function renderPairs(run: WidgetRun, state: WidgetState, property: string): Array<[string, string]> {
  return keyValues(state.properties[property]).map((kv, i) => [
    kv.key,
    run.render(state.name, `${property}[${i}].value (${kv.key})`, kv.value),
  ]);
}

/** A number as JSON writes it: the only text Studio's "a single number" can mean without doubt. */
const CANONICAL_NUMBER = /^-?(0|[1-9]\d*)(\.\d*[1-9])?$/;

/**
 * A set-variables value as the flow sees it: "Parse as JSON object" (`type: "json"` in the
 * export, assumed) stores the parsed object; `type: "string"` (what newer exports write)
 * keeps the text; without a type, a value that renders to a plain number is stored as a
 * number (Studio's page: "static values like a single number or a string"). A number is
 * kept only when it reads back the same (`007`, `1e3`, 20-digit ids stay text), so it
 * renders exactly as the text did.
 */
function variableValue(kv: KeyValue & { type?: unknown }, rendered: string, warnings: string[]): unknown {
  if (kv.type === 'string') return rendered;
  if (kv.type === 'json') {
    try {
      const parsed: unknown = JSON.parse(rendered);
      if (parsed !== null && typeof parsed === 'object') return parsed;
    } catch {
      // reported below
    }
    warnings.push(`"${kv.key}" is set to be parsed as a JSON object, but renders to something else: kept as text`);
    return rendered;
  }
  if (kv.type === undefined && CANONICAL_NUMBER.test(rendered)) {
    const n = Number(rendered);
    if (String(n) === rendered) return n;
  }
  return rendered;
}

const setVariables: Handler<'set-variables'> = (run, state) => {
  const changed: Record<string, unknown> = {};
  const warnings: string[] = [];
  keyValues(state.properties.variables).forEach((kv, i) => {
    changed[kv.key] = variableValue(kv, run.render(state.name, `variables[${i}].value (${kv.key})`, kv.value), warnings);
  });
  run.setVariables(changed);
  const event: VariablesEvent = { type: 'variables', at: run.at, widget: state.name, changed };
  if (warnings.length) event.warnings = warnings;
  run.emit(event);
  return { kind: 'follow', event: 'next' };
};

function httpEffect(
  widget: string,
  kind: 'http' | 'function',
  call: Pending & { kind: 'http' | 'function' },
  limits: HttpLimits,
  authorization?: string,
): WidgetOutcome<never> {
  const { method, url, contentType, requestBody } = call.call;
  const request: HttpRequest = {
    method,
    url,
    timeoutMs: limits.timeoutMs,
    maxBodyBytes: limits.maxBodyBytes,
    ...(contentType ? { headers: { 'Content-Type': contentType } } : {}),
    ...(requestBody !== undefined ? { body: requestBody } : {}),
    ...(call.form && requestBody !== undefined ? { form: call.form } : {}),
  };
  if (authorization) request.headers = { ...request.headers, Authorization: authorization };
  return { kind: 'effect', effect: { type: 'http', widget, request }, pending: { ...call, kind } };
}

/**
 * `https://user:pass@host/…`: Studio sends the user and password as basic auth (the
 * reference's make-http-request notes). Node would drop them, so they become the
 * Authorization header, and the URL the flow shows and sends goes without them.
 */
function splitUserInfo(url: string): { url: string; authorization?: string } {
  const at = url.indexOf('@');
  if (at === -1) return { url };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { url }; // the transport says why the URL is not valid
  }
  if (!parsed.username && !parsed.password) return { url };
  const credentials = `${decodeURIComponent(parsed.username)}:${decodeURIComponent(parsed.password)}`;
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), authorization: `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}` };
}

/** Hosts `add_twilio_auth` sends the account's credentials to: Twilio's own APIs. */
function isTwilioApi(url: string): boolean {
  try {
    const { protocol, hostname } = new URL(url);
    return protocol === 'https:' && (hostname === 'twilio.com' || hostname.endsWith('.twilio.com'));
  } catch {
    return false;
  }
}

/** Studio's error 81014: a parameter named with a reserved word; the request is not sent. */
export const RESERVED_PARAMETER_ERROR = 81014;

/** The first parameter named `method` (any case), the reserved word error 81014 names. */
function reservedParameter(pairs: ReadonlyArray<readonly [string, string]>): string | undefined {
  for (const [key] of pairs) if (key.length === 6 && key.toLowerCase() === 'method') return key;
  return undefined;
}

/** A call Studio refuses before sending anything: the widget takes its failure branch. */
function refuseCall(
  run: WidgetRun,
  state: WidgetState,
  call: Pick<HttpCallDetails, 'method' | 'url' | 'contentType' | 'requestBody'>,
  message: string,
  code?: number,
): WidgetOutcome<WidgetEvent<'make-http-request'>> {
  run.setWidget(state.name, {});
  run.emit({
    type: 'http',
    at: run.at,
    widget: state.name,
    ...call,
    elapsedMs: 0,
    outcome: 'failed',
    failure: { reason: 'refused', message, ...(code !== undefined ? { code } : {}) },
  });
  return { kind: 'follow', event: 'failed' };
}

const makeHttpRequest: Handler<'make-http-request'> = (run, state) => {
  const p = state.properties;
  const method = (p.method === undefined ? 'GET' : renderAsStudio(p.method)).toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    return { kind: 'end', reason: 'error', message: `widget "${state.name}" uses HTTP method "${method}"; Studio allows GET and POST` };
  }
  const split = splitUserInfo(run.render(state.name, 'url', p.url));
  let url = split.url;
  const contentType = typeof p.content_type === 'string' && p.content_type ? p.content_type : FORM_CONTENT_TYPE;
  const isJson = contentType.toLowerCase().startsWith('application/json');
  let requestBody: string | undefined;
  let reserved: string | undefined;
  let form: ReadonlyArray<readonly [string, string]> | undefined;
  if (isJson) {
    // Studio sends the rendered body as-is: nothing escapes a `"` or a newline in it.
    requestBody = run.render(state.name, 'body', p.body ?? '');
  } else {
    const pairs = renderPairs(run, state, 'parameters');
    reserved = reservedParameter(pairs);
    const encoded = formEncode(pairs);
    if (method === 'GET') url = appendQuery(url, encoded);
    else {
      requestBody = encoded;
      form = pairs;
    }
  }
  const sendsBody = method === 'POST';
  const call = {
    method,
    url,
    ...(sendsBody ? { contentType } : {}),
    ...(sendsBody ? { requestBody: requestBody ?? '' } : {}),
  } as const;
  if (reserved !== undefined) {
    return refuseCall(run, state, call, `its parameter "${reserved}" is a reserved word (Studio error ${RESERVED_PARAMETER_ERROR}), so the widget takes "failed"`, RESERVED_PARAMETER_ERROR);
  }
  if ((p.add_twilio_auth === true || p.add_twilio_auth === 'true') && !isTwilioApi(url)) {
    return refuseCall(run, state, call, 'add_twilio_auth is on for a URL that is not a Twilio API (https://….twilio.com), so the widget takes "failed"');
  }
  return httpEffect(state.name, 'http', { kind: 'http', widget: state.name, call, ...(form ? { form } : {}) }, run.httpLimits, split.authorization);
};

const runFunction: Handler<'run-function'> = (run, state) => {
  // A Console export of a Function in a Service holds its SIDs and `url: ""`: Studio
  // resolves the URL itself; locally it comes from --function or a stub (an empty URL here).
  const functionSid = typeof state.properties.function_sid === 'string' ? state.properties.function_sid : '';
  const rendered = run.render(state.name, 'url', state.properties.url).trim();
  const url = rendered || (run.functionUrl(state.name, functionSid) ?? '');
  const form = renderPairs(run, state, 'parameters');
  const requestBody = formEncode(form);
  return httpEffect(
    state.name,
    'function',
    { kind: 'function', widget: state.name, call: { method: 'POST', url, contentType: FORM_CONTENT_TYPE, requestBody }, form },
    run.httpLimits,
  );
};

/**
 * What Studio sends: `to` absent or left empty is the Console's default, the contact; a
 * `to` that renders empty (a lookup that found nothing) has no recipient, which the
 * Messages API refuses (21604), so the widget fails. A content template replaces the body.
 */
function outboundMessage(run: WidgetRun, state: WidgetState): Record<string, string> & { failure?: string } {
  const p = state.properties;
  const customer = run.context.contact.channel.address;
  const from = p.from === undefined ? run.context.flow.channel.address : run.render(state.name, 'from', p.from);
  const to = p.to === undefined || p.to === '' ? customer : run.render(state.name, 'to', p.to).trim();
  const body = run.render(state.name, 'body', p.body);
  const mediaUrl = p.media_url === undefined ? '' : run.render(state.name, 'media_url', p.media_url).trim();
  const content =
    p.message_type === 'content_template' && typeof p.content_sid === 'string' && p.content_sid
      ? { sid: run.render(state.name, 'content_sid', p.content_sid), variables: Object.fromEntries(renderPairs(run, state, 'content_variables')) }
      : undefined;
  const failure = to ? undefined : `"to" (${JSON.stringify(p.to)}) renders empty: the message has no recipient (Twilio error 21604)`;
  // `widgets.X.outbound.{Body,From,Sid,Status,To}` (Send Message and Send & Wait For Reply pages).
  const message = { Body: body, From: from, To: to, Sid: run.sid('IM'), Status: failure ? 'failed' : 'sent' };
  run.emit({
    type: 'message',
    at: run.at,
    widget: state.name,
    body,
    from,
    to,
    messageSid: message.Sid,
    toCustomer: !failure && to === customer,
    ...(mediaUrl ? { mediaUrl } : {}),
    ...(content ? { content } : {}),
    ...(failure ? { failure } : {}),
  });
  return failure ? { ...message, failure } : message;
}

const sendMessage: Handler<'send-message'> = (run, state) => {
  const { failure, ...outbound } = outboundMessage(run, state);
  run.setWidget(state.name, { outbound });
  return { kind: 'follow', event: failure ? 'failed' : 'sent' };
};

const sendAndWaitForReply: Handler<'send-and-wait-for-reply'> = (run, state) => {
  const { failure, ...outbound } = outboundMessage(run, state);
  if (failure) {
    run.setWidget(state.name, { outbound });
    return { kind: 'follow', event: 'deliveryFailure' };
  }
  const raw = Number(renderAsStudio(state.properties.timeout).trim());
  const timeoutSeconds = Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_REPLY_TIMEOUT_SECONDS;
  run.setWidget(state.name, { outbound });
  if (run.handedOverBy !== undefined) {
    // The conversation is with an agent: the customer's messages go to Flex, not to this
    // execution, so nothing will ever answer the wait.
    return {
      kind: 'end',
      reason: 'handover',
      message: `"${state.name}" waits for a reply after "${run.handedOverBy}" handed the customer to an agent: the customer's messages now reach the agent, so the execution ends here`,
    };
  }
  run.emit({ type: 'wait', at: run.at, widget: state.name, timeoutSeconds });
  return {
    kind: 'effect',
    effect: { type: 'wait-for-reply', widget: state.name, timeoutSeconds },
    pending: { kind: 'reply', widget: state.name, timeoutSeconds, outbound },
  };
};

const splitBasedOn: Handler<'split-based-on'> = (run, state) => {
  const input = run.render(state.name, 'input', state.properties.input);
  const checked: ConditionResult[] = [];
  const transitions = state.transitions ?? [];
  for (let index = 0; index < transitions.length; index++) {
    const t = transitions[index];
    if (t.event !== 'match') continue;
    const conditions = t.conditions ?? [];
    if (conditions.length === 0) continue; // Studio cannot save a branch without a condition
    const results: ConditionResult[] = [];
    let all = true;
    for (let c = 0; c < conditions.length; c++) {
      const condition = conditions[c];
      if (!(SPLIT_CONDITION_TYPES as readonly string[]).includes(condition.type)) {
        return {
          kind: 'end',
          reason: 'error',
          message: `widget "${state.name}" uses condition type "${condition.type}", which the local runner does not model`,
        };
      }
      const value = run.render(state.name, `transitions[${index}].conditions[${c}].value`, condition.value);
      const verdict = evaluateCondition(condition.type, input, value);
      const result = { friendlyName: condition.friendly_name ?? '', type: condition.type, value, ...verdict };
      results.push(result);
      checked.push(result);
      if (!verdict.holds) {
        all = false;
        break; // conditions of one branch are ANDed
      }
    }
    if (all) {
      run.emit({ type: 'split', at: run.at, widget: state.name, input, matched: { index, conditions: results }, checked, ...(t.next ? { next: t.next } : {}) });
      return { kind: 'goto', next: t.next, via: `match #${index}` };
    }
  }
  const noMatch = transitions.find((t) => t.event === 'noMatch');
  run.emit({ type: 'split', at: run.at, widget: state.name, input, matched: null, checked, ...(noMatch?.next ? { next: noMatch.next } : {}) });
  return { kind: 'goto', next: noMatch?.next, via: 'noMatch' };
};

const runSubflow: Handler<'run-subflow'> = (run, state) => {
  const flowSid = run.render(state.name, 'flow_sid', state.properties.flow_sid).trim();
  return { kind: 'subflow', flowSid, parameters: Object.fromEntries(renderPairs(run, state, 'parameters')) };
};

/**
 * For Conversations, Send to Flex adds channelType, customerAddress, from, name and
 * customerName to the task (widget page); a key the widget's own attributes set is kept
 * as written (assumed: the page does not say which wins).
 */
function conversationDefaults(run: WidgetRun): Record<string, string> {
  const address = run.context.contact.channel.address;
  const conversation = run.context.trigger.conversation as { ChannelAttributes?: { channel_type?: unknown } } | undefined;
  const channelType = conversation?.ChannelAttributes?.channel_type;
  return {
    channelType: typeof channelType === 'string' ? channelType : '',
    customerAddress: address,
    from: address,
    name: address,
    customerName: address,
  };
}

const sendToFlex: Handler<'send-to-flex'> = (run, state) => {
  const p = state.properties;
  const workflow = run.render(state.name, 'workflow', p.workflow);
  const channel = run.render(state.name, 'channel', p.channel);
  const conversations = run.model === 'conversations';
  // Legacy messaging: Flex's default attributes stand in for a widget without any.
  const source = p.attributes ?? (conversations ? '{}' : DEFAULT_FLEX_ATTRIBUTES);
  let attributesRaw = run.render(state.name, 'attributes', source);
  const priority = p.priority === undefined ? undefined : run.render(state.name, 'priority', p.priority);
  const timeoutText = p.timeout === undefined ? '' : run.render(state.name, 'timeout', p.timeout);
  const timeout = timeoutText.trim() === '' ? String(DEFAULT_TASK_TIMEOUT_SECONDS) : timeoutText;
  const problems: string[] = [];
  let attributes: unknown;
  try {
    attributes = JSON.parse(attributesRaw);
  } catch (error) {
    problems.push(`the rendered attributes are not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
  if (attributesRaw.length > MAX_TASK_ATTRIBUTES_CHARS) {
    problems.push(`the rendered attributes are ${attributesRaw.length} characters, over Studio's ${MAX_TASK_ATTRIBUTES_CHARS}`);
  }
  if (conversations && attributes !== null && typeof attributes === 'object' && !Array.isArray(attributes)) {
    attributes = { ...conversationDefaults(run), ...(attributes as Record<string, unknown>) };
    attributesRaw = JSON.stringify(attributes);
  }
  if (!workflow) problems.push('no workflow');
  else if (!/^WW[0-9a-fA-F]{32}$/.test(workflow)) problems.push(`the workflow "${workflow}" is not a workflow SID (WW…), so TaskRouter knows no such workflow`);
  if (!channel) problems.push('no task channel');
  const seconds = Number(timeout.trim());
  if (!/^\d+$/.test(timeout.trim()) || seconds < 1 || seconds > MAX_TASK_TIMEOUT_SECONDS) {
    problems.push(`the timeout "${timeout}" is not a whole number of seconds from 1 to ${MAX_TASK_TIMEOUT_SECONDS} (Studio's maximum)`);
  }
  const created = problems.length === 0;
  const taskSid = created ? run.sid('WT') : undefined;
  run.setWidget(state.name, taskSid ? { TaskSid: taskSid, Attributes: attributesRaw } : { Attributes: attributesRaw });
  run.emit({
    type: 'handover',
    at: run.at,
    widget: state.name,
    workflow,
    channel,
    ...(attributes !== undefined ? { attributes } : {}),
    attributesRaw,
    created,
    ...(taskSid ? { taskSid } : {}),
    ...(priority !== undefined ? { priority } : {}),
    timeout,
    problems,
  });
  if (!created) return { kind: 'follow', event: 'failedToEnqueue' };
  // "Task Created" fires once the task exists and the flow goes on along it; for the
  // customer the bot's part is over (see markHandover).
  run.markHandover(state.name);
  return { kind: 'follow', event: 'callComplete' };
};

/** A trigger met mid-flow (a transition back to it) has nothing to start: Studio ends. */
const trigger: Handler<'trigger'> = (_run, state) => ({
  kind: 'end',
  reason: 'error',
  message: `a transition leads back to the trigger "${state.name}"`,
});

/** One handler per type of the registry (domain/widgets.ts): the compiler refuses a missing or extra one. */
export const WIDGET_HANDLERS: { readonly [T in ModelledWidgetType]: Handler<T> } = {
  trigger,
  'set-variables': setVariables,
  'make-http-request': makeHttpRequest,
  'split-based-on': splitBasedOn,
  'send-and-wait-for-reply': sendAndWaitForReply,
  'send-message': sendMessage,
  'send-to-flex': sendToFlex,
  'run-function': runFunction,
  'run-subflow': runSubflow,
};

/**
 * The JSON object an HTTP call answered, as `widgets.X.parsed` holds it, for drivers that
 * read the bot's answer from the events: parsed once per call, not again by each reader.
 * A side table keeps the events plain data. Read-only: the flow's later widgets see it too.
 */
const parsedBodies = new WeakMap<HttpEvent | FunctionEvent, Readonly<Record<string, unknown>>>();

export function parsedBodyOf(event: HttpEvent | FunctionEvent): Readonly<Record<string, unknown>> | undefined {
  return parsedBodies.get(event);
}

/** The customer answered a send-and-wait-for-reply (with media URLs, for MMS and chat attachments). */
export function resumeWithReply(run: WidgetRun, pending: Pending & { kind: 'reply' }, body: string, media: readonly string[] = []): WidgetOutcome<WidgetEvent<'send-and-wait-for-reply'>> {
  let inbound: Record<string, string> = {
    Body: body,
    From: run.context.contact.channel.address,
    To: run.context.flow.channel.address,
    MessageSid: run.sid('IM'),
  };
  if (run.model === 'legacy') inbound = { ...inbound, ...mediaFields(media) };
  const event: InboundEvent = { type: 'inbound', at: run.at, widget: pending.widget, body, from: inbound.From, to: inbound.To, messageSid: inbound.MessageSid };
  if (media.length) event.media = [...media];
  run.emit(event);
  run.setWidget(pending.widget, { outbound: pending.outbound, inbound });
  return { kind: 'follow', event: 'incomingMessage' };
}

export function resumeWithHttpResult(
  run: WidgetRun,
  pending: Pending & { kind: 'http' | 'function' },
  result: HttpResult,
): WidgetOutcome<WidgetEvent<'make-http-request' | 'run-function'>> {
  if (result.kind === 'unanswered') return { kind: 'end', reason: 'error', message: result.message, local: true };
  const { details, output } = classifyHttpResult(result, run.httpLimits);
  const own = output.parsed as Record<string, unknown> | undefined;
  if (pending.kind === 'function') {
    // Run Function's page: `parsed` is merged with earlier runs of the same widget, and
    // kept when a later answer is not JSON. (Make HTTP Request's page says no such thing:
    // there each answer replaces it, which the bot loop's `parsed.text` relies on.)
    const earlier = run.context.widgets[pending.widget]?.parsed as Record<string, unknown> | undefined;
    if (earlier !== undefined) output.parsed = own === undefined ? earlier : { ...earlier, ...own };
  }
  run.setWidget(pending.widget, output);
  const event: HttpEvent | FunctionEvent = {
    type: pending.kind,
    at: run.at,
    widget: pending.widget,
    ...pending.call,
    ...details,
    ...(result.kind === 'response' && result.stub ? { stub: result.stub } : {}),
  };
  if (own !== undefined) parsedBodies.set(event, own);
  run.emit(event);
  if (details.outcome === 'success') return { kind: 'follow', event: 'success' };
  return { kind: 'follow', event: pending.kind === 'function' ? 'fail' : 'failed' };
}
