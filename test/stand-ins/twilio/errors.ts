/** Twilio's error shape: `{code, message, more_info, status}` (plus `details` for some). */
export interface TwilioErrorBody {
  code: number;
  message: string;
  more_info: string;
  status: number;
  details?: unknown;
}

export function errorBody(status: number, code: number, message: string, details?: unknown): TwilioErrorBody {
  const body: TwilioErrorBody = {
    code,
    message,
    more_info: `https://www.twilio.com/docs/errors/${code}`,
    status,
  };
  if (details !== undefined) body.details = details;
  return body;
}

/** Thrown by handlers; the server turns it into an error answer. */
export class FakeHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
  }

  get body(): TwilioErrorBody {
    return errorBody(this.status, this.code, this.message, this.details);
  }
}

export function notFound(resource: string): FakeHttpError {
  return new FakeHttpError(404, 20404, `The requested resource ${resource} was not found`);
}

export function badRequest(code: number, message: string, details?: unknown): FakeHttpError {
  return new FakeHttpError(400, code, message, details);
}

/** The shape every error answer must have; checked like a documented response. */
export function isTwilioErrorBody(body: unknown): body is TwilioErrorBody {
  if (!body || typeof body !== 'object') return false;
  const b = body as Record<string, unknown>;
  const allowed = new Set(['code', 'message', 'more_info', 'status', 'details']);
  return (
    Number.isInteger(b.code) &&
    typeof b.message === 'string' &&
    typeof b.more_info === 'string' &&
    Number.isInteger(b.status) &&
    Object.keys(b).every((k) => allowed.has(k))
  );
}
