import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  InvalidResponseError,
  type InvalidResponseKind,
} from '../core/errors.js';
import type { WithResponse } from '../core/types.js';
import type { Schema } from '../schemas/z.js';
import { isJsonMediaType, readCapped } from './body.js';
import { attemptSignal, isTimeoutReason, raceAbort } from './signals.js';

export interface Exchange {
  response: Response;
  text: string;
  /** The body was longer than the response cap; `text` holds only its start. */
  overflow: boolean;
  /** The cap that applied, in bytes (for the error message). */
  cap: number;
}

/**
 * One attempt: fetch and read the whole body under one fresh per-attempt signal, so a body that stalls
 * or is cut off counts against the same timeout and fails the same way as a refused connection.
 * Throws only the three transport errors; statuses are the caller's business.
 */
export async function sendOnce(
  fetchImpl: typeof fetch,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  caller: AbortSignal | undefined,
  cap: number,
): Promise<Exchange> {
  const signal = attemptSignal(timeoutMs, caller);
  try {
    return await raceAbort(
      (async () => {
        const response = await fetchImpl(url, { ...init, signal, redirect: 'error' });
        const { text, overflow } = await readCapped(response, cap);
        return { response, text, overflow, cap };
      })(),
      signal,
    );
  } catch (error) {
    if (caller?.aborted) throw new APIUserAbortError({ cause: caller.reason });
    if (isTimeoutReason(error) || (signal.aborted && isTimeoutReason(signal.reason))) {
      throw new APIConnectionTimeoutError({ message: `no response within ${timeoutMs} ms`, cause: error });
    }
    throw new APIConnectionError({ message: describeNetworkError(error), cause: error });
  }
}

/** `fetch failed (ECONNREFUSED)`: undici hides the useful part in `cause.code`. */
function describeNetworkError(error: unknown): string {
  if (!(error instanceof Error)) return `connection failed: ${String(error)}`;
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return `connection failed: ${error.message}${code ? ` (${code})` : ''}`;
}

/**
 * Checks a 2xx answer: a JSON media type, a body within the cap, JSON that matches the
 * schema. Returns the raw JSON (unknown fields kept) with the exchange.
 */
export function parseResult<T>(schema: Schema<T>, exchange: Exchange): WithResponse<T> {
  const { response, text } = exchange;
  const requestId = response.headers.get('x-request-id');
  const fail = (message: string, kind: InvalidResponseKind = 'invalid_body') =>
    new InvalidResponseError(message, { status: response.status, requestId, rawBody: text, kind });
  const contentType = response.headers.get('content-type');
  if (!isJsonMediaType(contentType)) {
    const shown = contentType ? `"${contentType.slice(0, 80)}"` : 'none';
    throw fail(
      `the gateway's response (HTTP ${response.status}) has media type ${shown}, not application/json`,
      'media_type',
    );
  }
  if (exchange.overflow) {
    throw fail(
      `the gateway's response (HTTP ${response.status}) is larger than the ${exchange.cap}-byte cap (maxResponseBytes)`,
      'too_large',
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw fail(`the gateway's response (HTTP ${response.status}) is not JSON`);
  }
  const checked = schema.safeParse(json);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    const where = issue?.path.length ? issue.path.join('.') : 'body';
    throw fail(
      `the gateway's response does not match the contract at ${where}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return withResponse(json as T, response, requestId);
}

/** Attaches the exchange as non-enumerable properties, so results still serialise as plain API objects. */
export function withResponse<T>(
  value: T,
  response: Response | null,
  requestId: string | null,
): WithResponse<T> {
  Object.defineProperties(value, {
    _requestId: { value: requestId, enumerable: false, configurable: true },
    _response: { value: response, enumerable: false, configurable: true },
  });
  return value as WithResponse<T>;
}

/** An error body as JSON when it is JSON, else the raw text (an HTML error page, say). */
export function errorBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
