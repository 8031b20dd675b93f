import {
  BACKOFF_BASE_MS,
  BACKOFF_CAP_MS,
  BACKOFF_JITTER,
  RETRY_AFTER_CAP_MS,
  RETRYABLE_STATUSES,
} from '../constants.js';

export function isRetryableStatus(status: number): boolean {
  return status >= 500 || RETRYABLE_STATUSES.includes(status);
}

/**
 * Backoff before retry `attempt` (0-based): `min(500 × 2^attempt, 8000)` minus up to 25 % of itself.
 * The jitter only ever shortens the wait, so the cap is a real upper bound. Floored to whole ms so the
 * TypeScript and Python clients agree on every vector.
 */
export function backoffMs(attempt: number, random: number): number {
  const base = Math.min(BACKOFF_BASE_MS * 2 ** attempt, BACKOFF_CAP_MS);
  return Math.floor(base * (1 - BACKOFF_JITTER * random));
}

const DECIMAL = /^\d+(\.\d+)?$/;

/**
 * The wait a response asks for, in ms, or undefined when it asks for none we should obey.
 * `retry-after-ms` (a decimal number of ms) wins over `retry-after` (decimal seconds or an HTTP-date).
 * Values outside [0, 60 s] — a date in the past, a day-long pause — are ignored, not clamped: a server
 * asking for something absurd gets ordinary backoff.
 */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const ms = headers.get('retry-after-ms')?.trim();
  if (ms && DECIMAL.test(ms)) {
    const value = Number(ms);
    if (value <= RETRY_AFTER_CAP_MS) return Math.floor(value);
  }
  const after = headers.get('retry-after')?.trim();
  if (!after) return undefined;
  let value: number;
  if (DECIMAL.test(after)) value = Number(after) * 1000;
  else if (/^[A-Za-z]{3},/.test(after)) value = Date.parse(after) - now;
  else return undefined;
  return Number.isFinite(value) && value >= 0 && value <= RETRY_AFTER_CAP_MS ? Math.floor(value) : undefined;
}

/** The wait before retry `attempt`: what the server asked for when that is sane, else backoff. */
export function retryWaitMs(input: {
  attempt: number;
  random: number;
  headers?: Headers | undefined;
  now: number;
}): number {
  const asked = input.headers ? retryAfterMs(input.headers, input.now) : undefined;
  return asked ?? backoffMs(input.attempt, input.random);
}
