/**
 * One outgoing HTTP call as the plugin makes it to a bot or a function: the runtime,
 * the Cognigy client and the probe all go through this shape, so tests and benchmarks
 * can inject a transport.
 */
export interface HttpRequest {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  /** Abort after this many milliseconds (Studio's HTTP budget is 10 s). */
  timeoutMs?: number;
  /** Stop reading past this many bytes and report `tooLarge`. */
  maxBodyBytes?: number;
  /**
   * The pairs a form `body` encodes, when the flow built it from parameters: what a
   * recording describes the request by, without decoding the body again. Never sent.
   */
  form?: ReadonlyArray<readonly [string, string]>;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Wall-clock milliseconds from sending to the last byte. */
  elapsedMs: number;
  /** The body went past `maxBodyBytes`; `body` holds what was read up to the limit. */
  tooLarge?: boolean;
}

/** Transport failures that never produced a response. */
export type HttpFailureKind = 'timeout' | 'network' | 'invalid-url';

export class HttpFailure extends Error {
  constructor(
    readonly kind: HttpFailureKind,
    message: string,
    readonly elapsedMs: number,
  ) {
    super(message);
    this.name = 'HttpFailure';
  }
}

export type HttpTransport = (request: HttpRequest) => Promise<HttpResponse>;
