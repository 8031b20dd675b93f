/**
 * Outcomes the gateway's concepts report without knowing about HTTP; `src/http/errors.ts` maps each
 * to a status and an error code. A store that throws becomes `StoreUnavailableError` (see guard.ts),
 * which is what lets every request fail closed with 503 instead of half-deciding.
 */

export interface ProblemDetail {
  path: string;
  message: string;
  rule_id?: string;
}

/** A store failed (disk, database, network): nothing was decided or recorded. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  constructor(
    readonly store: string,
    options?: { cause?: unknown },
  ) {
    super(`the ${store} store is unavailable`, options);
  }
}

/** No such object in the caller's tenant. A foreign id is reported the same way, so ids cannot be probed. */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** The object exists but is not in a state that allows this operation. */
export class StateConflictError extends Error {
  override readonly name = 'StateConflictError';
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The input is well-formed JSON matching the contract, but the gateway cannot accept it. */
export class InvalidInputError extends Error {
  override readonly name = 'InvalidInputError';
  constructor(
    message: string,
    readonly details: ProblemDetail[] = [],
    readonly code = 'request.invalid',
  ) {
    super(message);
  }
}
