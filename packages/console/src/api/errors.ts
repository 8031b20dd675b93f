/** One `{path, message}` entry of an error's details (untrusted text, shown as text). */
export interface ErrorDetail {
  path: string;
  message: string;
}

import { escapeUnsafe } from '../text.js';

/** What went wrong with one API call, in the gateway's own words when it gave any. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
    readonly details: readonly ErrorDetail[] = [],
  ) {
    super(message);
  }

  /** One line for the screen: the gateway's message, its code, and the request id to quote. */
  describe(): string {
    const id = this.requestId ? ` (request ${this.requestId})` : '';
    return `${this.message} [${this.code}]${id}`;
  }
}

/** Builds an ApiError from a non-2xx response; the body is read as untrusted JSON. */
export async function errorFromResponse(response: Response): Promise<ApiError> {
  const requestId = response.headers.get('x-request-id');
  let code = `http.${response.status}`;
  let message = `The gateway answered ${response.status} ${response.statusText}.`;
  const details: ErrorDetail[] = [];
  try {
    const body = (await response.json()) as {
      error?: { code?: unknown; message?: unknown; details?: unknown };
    };
    if (typeof body.error?.code === 'string') code = body.error.code;
    if (typeof body.error?.message === 'string') message = body.error.message;
    if (Array.isArray(body.error?.details)) {
      for (const detail of body.error.details as { path?: unknown; message?: unknown }[]) {
        if (typeof detail?.path === 'string' && typeof detail.message === 'string') {
          details.push({ path: detail.path, message: detail.message });
        }
      }
    }
  } catch {
    // Not JSON: keep the status line.
  }
  return new ApiError(response.status, code, message, requestId, details);
}

/**
 * True when the failure says nothing about the request itself: the gateway could not be reached
 * (network error) or could not answer (5xx). What is on screen is then stale.
 */
export function isUnreachable(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 500;
  return true;
}

export function describeError(error: unknown): string {
  if (error instanceof ApiError) return escapeUnsafe(error.describe());
  if (error instanceof Error) return `Could not reach the gateway: ${escapeUnsafe(error.message)}`;
  return escapeUnsafe(String(error));
}
