import type { PreflightDecision } from './decision.js';
import type { CredentialLease, PreflightParams, WithResponse } from './types.js';

/** What `execute` receives: the credential lease from an `allow` (when one is bound) and the decision. */
export interface ExecuteContext {
  credential: CredentialLease | undefined;
  decision: PreflightDecision;
}

/**
 * What `guard()` takes: the action to decide (every preflight field, e.g. `goal`, `tool`, `args`) and
 * `execute`, the code that performs it, which runs only when the decision lets it.
 */
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
  /**
   * Throw what `execute` threw (the original value), after its outcome is recorded, instead of
   * returning it in `error` (default false).
   */
  rethrow?: boolean;
}

interface GuardResultBase {
  /** The decision that governed `execute`, with its request id (`_requestId`) like every result. */
  decision: WithResponse<PreflightDecision>;
}

/** The decision did not let `execute` run (or `guard()` was misconfigured). */
export interface GuardNotExecuted extends GuardResultBase {
  executed: false;
  result: undefined;
  error: undefined;
}

/** `execute` ran and returned `result`. */
export interface GuardSucceeded<T> extends GuardResultBase {
  executed: true;
  result: T;
  error: undefined;
}

/**
 * `execute` ran and threw. `error` is what it threw; a thrown non-`Error` value (a string, say) is
 * wrapped in an `Error` whose `cause` is that value. The SDK also logs a warning naming the tool, the
 * decision's evidence id and the error's name.
 */
export interface GuardFailed extends GuardResultBase {
  executed: true;
  result: undefined;
  error: Error;
}

/**
 * Everything `guard()` learns. Narrow on `executed`, then on `error`:
 * `if (out.executed && !out.error) use(out.result)`. Never thrown, unless `rethrow: true`.
 */
export type GuardResult<T> = GuardNotExecuted | GuardSucceeded<T> | GuardFailed;
