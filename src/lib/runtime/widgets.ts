import type { HttpRequest } from '../http/types';
import type { ChannelModel } from '../setup/types';
import type { KeyValue, WidgetState } from '../studio/types';
import { CONDITION_TYPES, evaluateCondition } from './conditions';
import type { FlowContext } from './context';
import type { ConditionResult, EndReason, FlowEvent, FunctionEvent, HttpCallDetails, HttpEvent } from './events';
import {
  appendQuery,
  classifyHttpResult,
  FORM_CONTENT_TYPE,
  formEncode,
  type HttpLimits,
  type HttpResult,
} from './http-call';
import { renderAsStudio } from './liquid';
import type { SidFactory } from './sids';

/** Studio's limit on send-to-flex attributes. */
export const MAX_TASK_ATTRIBUTES_CHARS = 1024;

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
  | { kind: 'http' | 'function'; widget: string; call: Pick<HttpCallDetails, 'method' | 'url' | 'contentType' | 'requestBody'> };

export type WidgetOutcome =
  | { kind: 'follow'; event: string }
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
  setVariables(changed: Record<string, string>): void;
}

type Handler = (run: WidgetRun, state: WidgetState) => WidgetOutcome;

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

const setVariables: Handler = (run, state) => {
  const changed: Record<string, string> = {};
  keyValues(state.properties.variables).forEach((kv, i) => {
    changed[kv.key] = run.render(state.name, `variables[${i}].value (${kv.key})`, kv.value);
  });
  run.setVariables(changed);
  run.emit({ type: 'variables', at: run.at, widget: state.name, changed });
  return { kind: 'follow', event: 'next' };
};

function httpEffect(
  widget: string,
  kind: 'http' | 'function',
  call: Pending & { kind: 'http' | 'function' },
  limits: HttpLimits,
): WidgetOutcome {
  const { method, url, contentType, requestBody } = call.call;
  const request: HttpRequest = {
    method,
    url,
    timeoutMs: limits.timeoutMs,
    maxBodyBytes: limits.maxBodyBytes,
    ...(contentType ? { headers: { 'Content-Type': contentType } } : {}),
    ...(requestBody !== undefined ? { body: requestBody } : {}),
  };
  return { kind: 'effect', effect: { type: 'http', widget, request }, pending: { ...call, kind } };
}

const makeHttpRequest: Handler = (run, state) => {
  const p = state.properties;
  const method = (p.method === undefined ? 'GET' : renderAsStudio(p.method)).toUpperCase();
  if (method !== 'GET' && method !== 'POST') {
    return { kind: 'end', reason: 'error', message: `widget "${state.name}" uses HTTP method "${method}"; Studio allows GET and POST` };
  }
  let url = run.render(state.name, 'url', p.url);
  const contentType = typeof p.content_type === 'string' && p.content_type ? p.content_type : FORM_CONTENT_TYPE;
  const isJson = contentType.toLowerCase().startsWith('application/json');
  let requestBody: string | undefined;
  if (isJson) {
    // Studio sends the rendered body as-is: nothing escapes a `"` or a newline in it.
    requestBody = run.render(state.name, 'body', p.body ?? '');
  } else {
    const encoded = formEncode(renderPairs(run, state, 'parameters'));
    if (method === 'GET') url = appendQuery(url, encoded);
    else requestBody = encoded;
  }
  const sendsBody = method === 'POST';
  return httpEffect(
    state.name,
    'http',
    {
      kind: 'http',
      widget: state.name,
      call: {
        method,
        url,
        ...(sendsBody ? { contentType } : {}),
        ...(sendsBody ? { requestBody: requestBody ?? '' } : {}),
      },
    },
    run.httpLimits,
  );
};

const runFunction: Handler = (run, state) => {
  // A Console export of a Function in a Service holds its SIDs and `url: ""`: Studio
  // resolves the URL itself; locally it comes from --function or a stub (an empty URL here).
  const functionSid = typeof state.properties.function_sid === 'string' ? state.properties.function_sid : '';
  const rendered = run.render(state.name, 'url', state.properties.url).trim();
  const url = rendered || (run.functionUrl(state.name, functionSid) ?? '');
  const requestBody = formEncode(renderPairs(run, state, 'parameters'));
  return httpEffect(
    state.name,
    'function',
    { kind: 'function', widget: state.name, call: { method: 'POST', url, contentType: FORM_CONTENT_TYPE, requestBody } },
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
  const message = { Body: body, From: from, To: to, MessageSid: run.sid('IM'), Status: failure ? 'failed' : 'sent' };
  run.emit({
    type: 'message',
    at: run.at,
    widget: state.name,
    body,
    from,
    to,
    messageSid: message.MessageSid,
    toCustomer: !failure && to === customer,
    ...(mediaUrl ? { mediaUrl } : {}),
    ...(content ? { content } : {}),
    ...(failure ? { failure } : {}),
  });
  return failure ? { ...message, failure } : message;
}

const sendMessage: Handler = (run, state) => {
  const { failure, ...outbound } = outboundMessage(run, state);
  run.setWidget(state.name, { ...outbound });
  return { kind: 'follow', event: failure ? 'failed' : 'sent' };
};

/** Studio's default for send-and-wait-for-reply when `timeout` is absent or unreadable. */
export const DEFAULT_REPLY_TIMEOUT_SECONDS = 3600;

const sendAndWaitForReply: Handler = (run, state) => {
  const { failure, ...outbound } = outboundMessage(run, state);
  if (failure) {
    run.setWidget(state.name, { outbound });
    return { kind: 'follow', event: 'deliveryFailure' };
  }
  const raw = Number(renderAsStudio(state.properties.timeout).trim());
  const timeoutSeconds = Number.isFinite(raw) && raw > 0 ? raw : DEFAULT_REPLY_TIMEOUT_SECONDS;
  run.setWidget(state.name, { outbound });
  run.emit({ type: 'wait', at: run.at, widget: state.name, timeoutSeconds });
  return {
    kind: 'effect',
    effect: { type: 'wait-for-reply', widget: state.name, timeoutSeconds },
    pending: { kind: 'reply', widget: state.name, timeoutSeconds, outbound },
  };
};

const splitBasedOn: Handler = (run, state) => {
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
      if (!(CONDITION_TYPES as readonly string[]).includes(condition.type)) {
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

const runSubflow: Handler = (run, state) => {
  const flowSid = run.render(state.name, 'flow_sid', state.properties.flow_sid).trim();
  return { kind: 'subflow', flowSid, parameters: Object.fromEntries(renderPairs(run, state, 'parameters')) };
};

const sendToFlex: Handler = (run, state) => {
  const p = state.properties;
  const workflow = run.render(state.name, 'workflow', p.workflow);
  const channel = run.render(state.name, 'channel', p.channel);
  const attributesRaw = run.render(state.name, 'attributes', p.attributes ?? DEFAULT_FLEX_ATTRIBUTES);
  const priority = p.priority === undefined ? undefined : run.render(state.name, 'priority', p.priority);
  const timeout = p.timeout === undefined ? undefined : run.render(state.name, 'timeout', p.timeout);
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
  if (!workflow) problems.push('no workflow');
  if (!channel) problems.push('no task channel');
  const taskSid = run.sid('WT');
  run.setWidget(state.name, { TaskSid: taskSid, Attributes: attributesRaw });
  run.emit({
    type: 'handover',
    at: run.at,
    widget: state.name,
    workflow,
    channel,
    ...(attributes !== undefined ? { attributes } : {}),
    attributesRaw,
    taskSid,
    ...(priority !== undefined ? { priority } : {}),
    ...(timeout !== undefined ? { timeout } : {}),
    problems,
  });
  // For messaging, `callComplete` fires only when the agent's task ends: the bot's part is
  // over, so the simulated execution ends here.
  return { kind: 'end', reason: 'handover', message: `handed over to Flex by "${state.name}"` };
};

/** A trigger met mid-flow (a transition back to it) has nothing to start: Studio ends. */
const trigger: Handler = (_run, state) => ({
  kind: 'end',
  reason: 'error',
  message: `a transition leads back to the trigger "${state.name}"`,
});

export const WIDGET_HANDLERS: Readonly<Record<string, Handler>> = {
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

export const MODELLED_WIDGET_TYPES = Object.keys(WIDGET_HANDLERS);

/**
 * The JSON object an HTTP call answered, as `widgets.X.parsed` holds it, for drivers that
 * read the bot's answer from the events: parsed once per call, not again by each reader.
 * A side table keeps the events plain data. Read-only: the flow's later widgets see it too.
 */
const parsedBodies = new WeakMap<HttpEvent | FunctionEvent, Readonly<Record<string, unknown>>>();

export function parsedBodyOf(event: HttpEvent | FunctionEvent): Readonly<Record<string, unknown>> | undefined {
  return parsedBodies.get(event);
}

/** The customer answered a send-and-wait-for-reply. */
export function resumeWithReply(run: WidgetRun, pending: Pending & { kind: 'reply' }, body: string): WidgetOutcome {
  const inbound = {
    Body: body,
    From: run.context.contact.channel.address,
    To: run.context.flow.channel.address,
    MessageSid: run.sid('IM'),
  };
  run.emit({ type: 'inbound', at: run.at, widget: pending.widget, body, from: inbound.From, to: inbound.To, messageSid: inbound.MessageSid });
  run.setWidget(pending.widget, { outbound: pending.outbound, inbound });
  return { kind: 'follow', event: 'incomingMessage' };
}

export function resumeWithHttpResult(
  run: WidgetRun,
  pending: Pending & { kind: 'http' | 'function' },
  result: HttpResult,
): WidgetOutcome {
  if (result.kind === 'unanswered') return { kind: 'end', reason: 'error', message: result.message, local: true };
  const { details, output } = classifyHttpResult(result, run.httpLimits);
  run.setWidget(pending.widget, output);
  const event: HttpEvent | FunctionEvent = {
    type: pending.kind,
    at: run.at,
    widget: pending.widget,
    ...pending.call,
    ...details,
    ...(result.kind === 'response' && result.stub ? { stub: result.stub } : {}),
  };
  if (output.parsed !== undefined) parsedBodies.set(event, output.parsed as Record<string, unknown>);
  run.emit(event);
  if (details.outcome === 'success') return { kind: 'follow', event: 'success' };
  return { kind: 'follow', event: pending.kind === 'function' ? 'fail' : 'failed' };
}
