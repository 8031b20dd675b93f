import type { PreflightDecision } from './decision.js';
import type { CredentialLease, PreflightParams, WithResponse } from './types.js';

/** What `execute` receives: the credential lease from an `allow` (when one is bound) and the decision. */
export interface ExecuteContext {
  credential: CredentialLease | undefined;
  decision: PreflightDecision;
}

export interface GuardParams<T> extends PreflightParams {
  /** The action. Runs at most once, only when the mode table allows it; never retried. */
  execute: (context: ExecuteContext) => T | Promise<T>;
  /**
   * On `require_approval`, wait up to `timeoutMs` for an approver, then decide again with the approval.
   * Without it, `guard()` returns the `require_approval` decision at once.
   */
  waitForApproval?: { timeoutMs: number; pollIntervalMs?: number };
  /** Record an `action.outcome` evidence event after `execute` (default: the client's `recordOutcomes`). */
  recordOutcome?: boolean;
  /**
   * Wait for the outcome record before returning (default false: it goes to the client's bounded
   * background queue, which `flush()`, `close()` and `await using` drain).
   */
  awaitOutcome?: boolean;
  /** Aborts the decision and the approval wait (not a running `execute`). */
  signal?: AbortSignal;
}

/** Never thrown: everything `guard()` learns comes back here. */
export interface GuardResult<T> {
  /** The decision that governed `execute`, with its request id (`_requestId`) like every result. */
  decision: WithResponse<PreflightDecision>;
  /** What `execute` returned, when it ran and did not throw. */
  result: T | undefined;
  /** What `execute` threw, when it ran and threw. */
  error: unknown;
  executed: boolean;
}
