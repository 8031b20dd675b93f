import type { ActPass } from '../client.js';
import { OUTCOME_EVIDENCE_TYPE } from '../constants.js';
import type { PreflightDecision } from '../core/decision.js';
import { MisconfiguredError } from '../core/errors.js';
import type { GuardParams, GuardResult } from '../core/guard.js';
import type { Mode, PreflightParams, WithResponse } from '../core/types.js';
import { clientDecision } from './fail-closed.js';
import { canonicalOrNull, sha256Hex } from './hash.js';
import { newIdempotencyKey } from './idempotency.js';
import { withResponse } from './request.js';

/**
 * Whether `execute` may run. The mode is the one the CALLER asked for, never the one a
 * response claims: a response cannot talk the client into observe-only behaviour.
 */
export function mayExecute(mode: Mode, decision: PreflightDecision): boolean {
  if (mode === 'monitor') return true;
  if (decision.source !== 'gateway') return false;
  if (mode === 'warn') return decision.decision === 'allow' || decision.decision === 'warn';
  return decision.decision === 'allow';
}

/** `guard()`: decide (waiting for an approver if asked), maybe execute once, record the outcome. */
export async function runGuard<T>(client: ActPass, params: GuardParams<T>): Promise<GuardResult<T>> {
  const { execute, waitForApproval, recordOutcome, awaitOutcome, signal, rethrow, ...input } = params;
  const { log } = client._internals;
  const mode = input.mode ?? client._internals.mode;
  if (typeof execute !== 'function') {
    const decision = withResponse(
      clientDecision(
        new MisconfiguredError('guard() needs an execute function', {
          fix: 'Pass `execute`: the function that performs the action, e.g. execute: async ({ credential }) => …',
        }),
        mode,
      ),
      null,
      null,
    );
    return { decision, result: undefined, error: undefined, executed: false };
  }

  let decision = await client.preflight(input, { signal });
  if (decision.decision === 'require_approval' && decision.approval_request_id && waitForApproval) {
    decision = await afterApproval(client, input, decision.approval_request_id, decision, params);
  }
  if (decision.decision === 'warn' && mode === 'warn') {
    log.warn('warn decision: the action runs, but would not under enforce', {
      reason_code: decision.reason_code,
      would_decision: decision.would_decision ?? null,
      summary: decision.explain.summary,
      request_id: decision.request_id ?? null,
    });
  }
  if (!mayExecute(mode, decision)) return { decision, result: undefined, error: undefined, executed: false };

  const started = now();
  let result: T | undefined;
  let thrown: { value: unknown } | undefined;
  try {
    result = await execute({ credential: decision.credential, decision });
  } catch (value) {
    thrown = { value };
  }
  const durationMs = Math.round(now() - started);
  const outcome: 'ok' | 'error' = thrown ? 'error' : 'ok';
  if (thrown) {
    // Only the error's name: its message and the args may carry personal data or secrets.
    log[rethrow ? 'debug' : 'warn']('execute threw', {
      tool: input.tool,
      evidence_event_id: evidenceIdOf(decision),
      error_name: errorName(thrown.value),
    });
  }

  // A client-made decision means the gateway just failed us and there is no ledger event to link to.
  if ((recordOutcome ?? client._internals.recordOutcomes) && decision.source === 'gateway') {
    // Snapshot the result now: the caller may change it once guard() has returned.
    const canonical = outcome === 'ok' ? canonicalOrNull(result) : null;
    const idempotencyKey = newIdempotencyKey(); // one per record: its retries are the same request
    const send = async () =>
      client.recordEvidence(
        {
          type: OUTCOME_EVIDENCE_TYPE,
          data: {
            evidence_event_id: decision.evidence_event_id,
            tool: input.tool,
            outcome,
            duration_ms: durationMs,
            // A digest, never the result itself: results can hold personal data or secrets.
            result_sha256: canonical === null ? null : await sha256Hex(canonical),
          },
        },
        { idempotencyKey, ...(awaitOutcome ? { signal } : {}) },
      );
    if (awaitOutcome || client._internals.closed) {
      try {
        await send();
      } catch (recordError) {
        log.warn('could not record the action outcome', {
          evidence_event_id: decision.evidence_event_id,
          error: recordError instanceof Error ? recordError.message : String(recordError),
        });
      }
    } else {
      client._internals.outcomes.push({ evidenceEventId: decision.evidence_event_id, send });
    }
  }
  if (thrown) {
    if (rethrow) throw thrown.value;
    return { decision, result: undefined, error: asError(thrown.value), executed: true };
  }
  return { decision, result: result as T, error: undefined, executed: true };
}

function evidenceIdOf(decision: PreflightDecision): string | null {
  return decision.source === 'gateway' ? decision.evidence_event_id : null;
}

function errorName(value: unknown): string {
  if (value instanceof Error)
    return String(value.name)
      .replace(/[^\w.:-]/g, '?')
      .slice(0, 80);
  return value === null ? 'null' : typeof value;
}

/** `error` is always an `Error`; a thrown string or object is kept as its `cause`. */
function asError(value: unknown): Error {
  if (value instanceof Error) return value;
  return new Error(`execute threw a non-Error value (${errorName(value)})`, { cause: value });
}

/**
 * Waits for the approver, then decides again with the approval (the approval carries the delegation,
 * so the passport is not sent again — presenting it twice would be `passport.replayed`). Still pending
 * at the deadline, or the wait failed: the original `require_approval` stands.
 */
async function afterApproval<T>(
  client: ActPass,
  input: PreflightParams,
  approvalId: string,
  held: WithResponse<PreflightDecision>,
  params: GuardParams<T>,
): Promise<WithResponse<PreflightDecision>> {
  try {
    const approval = await client.approvals.waitFor(approvalId, {
      ...params.waitForApproval!,
      signal: params.signal,
    });
    if (approval.status === 'pending') return held;
  } catch (error) {
    client._internals.log.warn('waiting for the approval failed', {
      approval_request_id: approvalId,
      error: error instanceof Error ? error.message : String(error),
    });
    return held;
  }
  const { passport: _spent, ...rest } = input;
  return client.preflight({ ...rest, approval_request_id: approvalId }, { signal: params.signal });
}

function now(): number {
  return globalThis.performance?.now() ?? Date.now();
}
