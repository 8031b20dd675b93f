/**
 * The one error shape: `{error: {code, message, request_id, details?}}`. Concepts throw
 * meaning (not found, conflict, store down); this module alone decides the status code.
 */
import { AuthError } from '../auth/index.js';
import { SignInError } from '../auth/oidc/index.js';
import { LedgerChainBrokenError, LedgerInputError } from '../ledger/index.js';
import {
  InvalidInputError,
  NotFoundError,
  type ProblemDetail,
  StateConflictError,
  StoreUnavailableError,
} from '../store/errors.js';
import { VaultInputError, VaultKeyError, VaultNoKeyError } from '../vault/index.js';

/** An error raised by the HTTP layer itself (routing, parsing, validation). */
export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: ProblemDetail[],
  ) {
    super(message);
  }
}

/**
 * The most problems one error answer lists (the contract bounds `error.details` there). A policy with
 * hundreds of broken conditions still gets a valid answer; the first problems are the ones to fix first.
 */
export const MAX_ERROR_DETAILS = 100;

export interface ErrorBody {
  error: { code: string; message: string; request_id: string; details?: ProblemDetail[] };
}

export interface MappedError {
  status: number;
  body: ErrorBody;
  /** Unexpected errors are logged; expected ones are answers, not incidents. */
  unexpected: boolean;
}

export function mapError(error: unknown, requestId: string): MappedError {
  const known = classify(error);
  const status = known?.status ?? 500;
  const code = known?.code ?? 'server.internal';
  const message =
    known?.message ?? `The gateway failed unexpectedly; quote request ${requestId} when reporting it.`;
  const body: ErrorBody = { error: { code, message, request_id: requestId } };
  if (known?.details && known.details.length > 0)
    body.error.details = known.details.slice(0, MAX_ERROR_DETAILS);
  return { status, body, unexpected: known === undefined };
}

interface Classified {
  status: number;
  code: string;
  message: string;
  details?: ProblemDetail[];
}

function classify(error: unknown): Classified | undefined {
  if (error instanceof HttpError) {
    return { status: error.status, code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof AuthError) {
    const unauthenticated = error.code === 'auth.missing_key' || error.code === 'auth.invalid_key';
    return { status: unauthenticated ? 401 : 403, code: error.code, message: error.message };
  }
  if (error instanceof SignInError) return { status: error.status, code: error.code, message: error.message };
  if (error instanceof NotFoundError)
    return { status: 404, code: 'request.not_found', message: error.message };
  if (error instanceof StateConflictError) return { status: 409, code: error.code, message: error.message };
  if (error instanceof InvalidInputError) {
    return { status: 400, code: error.code, message: error.message, details: error.details };
  }
  if (error instanceof VaultNoKeyError || error instanceof VaultKeyError) {
    return { status: 400, code: 'vault.no_key', message: sentence(error.message) };
  }
  if (error instanceof VaultInputError || error instanceof LedgerInputError) {
    return { status: 400, code: 'request.invalid', message: sentence(error.message) };
  }
  if (error instanceof StoreUnavailableError) {
    return {
      status: 503,
      code: 'server.unavailable',
      message: `The ${error.store} store is unavailable; nothing was decided or recorded. Retry later.`,
    };
  }
  if (error instanceof LedgerChainBrokenError) {
    return {
      status: 503,
      code: 'server.unavailable',
      message: `The ledger chain is broken at seq ${error.first_broken_seq}; an operator must investigate before it can be exported.`,
    };
  }
  return undefined;
}

function sentence(text: string): string {
  const capitalised = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?]$/.test(capitalised) ? capitalised : `${capitalised}.`;
}
