import type { HttpRequest, HttpResponse, HttpTransport } from '../../../src/lib/http/types';
import type { FlowDefinition, Transition, WidgetState } from '../../../src/lib/domain/flow';
import { FlowSession, sequentialIds, type FlowSessionOptions } from '../../../src/lib/runtime';

/** A trigger wiring `incomingMessage` (legacy) unless told otherwise. */
export function trigger(next: string | undefined, event = 'incomingMessage', name = 'Trigger'): WidgetState {
  const events = ['incomingMessage', 'incomingCall', 'incomingConversationMessage', 'incomingRequest', 'incomingParent'];
  return {
    name,
    type: 'trigger',
    properties: { offset: { x: 0, y: 0 } },
    transitions: events.map((e) => (e === event && next ? { event: e, next } : { event: e })),
  };
}

export function widget(name: string, type: string, properties: Record<string, unknown>, transitions: Transition[]): WidgetState {
  return { name, type, properties: { offset: { x: 0, y: 0 }, ...properties }, transitions };
}

export function flowOf(...states: WidgetState[]): FlowDefinition {
  return { description: 'test flow', states, initial_state: states[0].name, flags: { allow_concurrent_calls: true } };
}

export function response(status: number, body: string, contentType = 'application/json', elapsedMs = 5): HttpResponse {
  return { status, headers: { 'content-type': contentType }, body, elapsedMs };
}

/** A transport answering from a function, recording every request it got. */
export function fakeTransport(answer: (request: HttpRequest, index: number) => HttpResponse | Promise<HttpResponse>): HttpTransport & { requests: HttpRequest[] } {
  const requests: HttpRequest[] = [];
  const transport = async (request: HttpRequest): Promise<HttpResponse> => {
    requests.push(request);
    return answer(request, requests.length - 1);
  };
  return Object.assign(transport, { requests });
}

export function fixedClock(start = 1_700_000_000_000): { now(): number; advance(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

export function session(definition: FlowDefinition, options: Partial<FlowSessionOptions> = {}): FlowSession {
  return new FlowSession(definition, {
    http: options.http ?? fakeTransport(() => response(200, '{}')),
    ids: sequentialIds(),
    clock: fixedClock(),
    ...options,
  });
}

/** Decodes a form body into [key, value] pairs. */
export function decodeForm(body: string | undefined): Array<[string, string]> {
  return [...new URLSearchParams(body ?? '').entries()];
}
