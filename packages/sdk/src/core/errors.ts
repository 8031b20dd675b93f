import type { ErrorBody } from './types.js';

/** Base of every error the SDK throws. */
export class ActPassError extends Error {
  override name = 'ActPassError';
}

interface APIErrorInit {
  status?: number | undefined;
  body?: unknown;
  headers?: Headers | undefined;
  requestId?: string | null | undefined;
  message?: string;
  cause?: unknown;
}

/**
 * The gateway answered with an error status (or, for the connection subclasses, did not answer).
 * `code` is the contract's `error.code` when the body had the documented error shape.
 */
export class APIError extends ActPassError {
  override name = 'APIError';
  readonly status: number | undefined;
  readonly code: string | undefined;
  readonly requestId: string | null;
  readonly body: unknown;
  readonly headers: Headers | undefined;

  constructor(init: APIErrorInit) {
    const code = errorCode(init.body);
    super(init.message ?? describeStatus(init.status, code, init.body), { cause: init.cause });
    this.status = init.status;
    this.code = code;
    this.requestId = init.requestId ?? errorRequestId(init.body) ?? null;
    this.body = init.body;
    this.headers = init.headers;
  }

  /** The subclass for `status`, so callers can `catch (e) { if (e instanceof RateLimitError) … }`. */
  static fromResponse(status: number, body: unknown, headers: Headers, requestId: string | null): APIError {
    const init = { status, body, headers, requestId };
    const Subclass = STATUS_CLASSES[status] ?? (status >= 500 ? InternalServerError : APIError);
    return new Subclass(init);
  }
}

export class BadRequestError extends APIError {
  override name = 'BadRequestError';
}
export class AuthenticationError extends APIError {
  override name = 'AuthenticationError';
}
export class PermissionDeniedError extends APIError {
  override name = 'PermissionDeniedError';
}
export class NotFoundError extends APIError {
  override name = 'NotFoundError';
}
export class ConflictError extends APIError {
  override name = 'ConflictError';
}
export class UnprocessableEntityError extends APIError {
  override name = 'UnprocessableEntityError';
}
export class RateLimitError extends APIError {
  override name = 'RateLimitError';
}
export class InternalServerError extends APIError {
  override name = 'InternalServerError';
}

/** No response arrived: refused, reset, DNS failure, TLS failure, a body cut off mid-read. */
export class APIConnectionError extends APIError {
  override name = 'APIConnectionError';
  constructor(init: { message: string; cause?: unknown }) {
    super({ message: init.message, cause: init.cause });
  }
}

/** An attempt ran past its timeout. */
export class APIConnectionTimeoutError extends APIConnectionError {
  override name = 'APIConnectionTimeoutError';
}

/** The call's overall deadline (`deadlineMs`, across every attempt and backoff) passed without an answer. */
export class DeadlineExceededError extends APIConnectionTimeoutError {
  override name = 'DeadlineExceededError';
}

/** The caller's own `signal` aborted the call; never retried. */
export class APIUserAbortError extends APIError {
  override name = 'APIUserAbortError';
  constructor(init: { cause?: unknown } = {}) {
    super({ message: 'The request was aborted by the caller.', cause: init.cause });
  }
}

/** What was wrong with a 2xx answer: its media type, its size, or its body. */
export type InvalidResponseKind = 'media_type' | 'too_large' | 'invalid_body';

/**
 * A 2xx response the SDK will not act on: not `application/json` (or `+json`), larger than
 * `maxResponseBytes`, not JSON, or not matching the contract's schema.
 */
export class InvalidResponseError extends ActPassError {
  override name = 'InvalidResponseError';
  readonly status: number;
  readonly requestId: string | null;
  /** The raw body text (only its start when it was too large), for debugging. */
  readonly rawBody: string;
  readonly kind: InvalidResponseKind;

  constructor(
    message: string,
    init: { status: number; requestId: string | null; rawBody: string; kind?: InvalidResponseKind },
  ) {
    super(message);
    this.status = init.status;
    this.requestId = init.requestId;
    this.rawBody = init.rawBody;
    this.kind = init.kind ?? 'invalid_body';
  }
}

/** The client cannot make a request at all: no API key, a bad base URL, no `fetch`, a bad option. */
export class MisconfiguredError extends ActPassError {
  override name = 'MisconfiguredError';
  /** What to change, naming the option or field (becomes the decision's `next_steps`). */
  readonly fix: string;

  constructor(message: string, init: { fix?: string } = {}) {
    super(message);
    this.fix = init.fix ?? 'Set apiKey (or ACTPASS_API_KEY) and a valid baseUrl (or ACTPASS_BASE_URL).';
  }
}

const STATUS_CLASSES: Record<number, new (init: APIErrorInit) => APIError> = {
  400: BadRequestError,
  401: AuthenticationError,
  403: PermissionDeniedError,
  404: NotFoundError,
  409: ConflictError,
  422: UnprocessableEntityError,
  429: RateLimitError,
};

function errorObject(body: unknown): Partial<ErrorBody['error']> | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as Partial<ErrorBody['error']>) : undefined;
}

function errorCode(body: unknown): string | undefined {
  const code = errorObject(body)?.code;
  return typeof code === 'string' ? code : undefined;
}

function errorRequestId(body: unknown): string | undefined {
  const id = errorObject(body)?.request_id;
  return typeof id === 'string' ? id : undefined;
}

function describeStatus(status: number | undefined, code: string | undefined, body: unknown): string {
  const message = errorObject(body)?.message;
  const detail = typeof message === 'string' ? `: ${message}` : '';
  return `HTTP ${status ?? '?'}${code ? ` ${code}` : ''}${detail}`;
}
