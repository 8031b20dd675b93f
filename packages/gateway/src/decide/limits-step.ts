/**
 * Charging rate limits and budgets for an allowed action, just before its decision is recorded. Only
 * actions the gateway answers `allow` are counted: a denied, held or warned action did not run (or
 * ran under observation only), and counting it would let an agent that keeps being refused lock
 * itself, or others sharing the counter, out of its budget. A held action counts when its approved
 * re-run is allowed.
 *
 * The charge is all-or-nothing and atomic across processes. Losing it to a concurrent charge means
 * the counters moved: the policy is evaluated again on fresh counts (which may now answer the limit's
 * rule) a bounded number of times, then the request fails closed with 503.
 */
import { LIMIT_CHARGE_ATTEMPTS } from '../constants.js';
import type { LimitCheck } from '../limits/index.js';
import { type CompiledPolicy, evaluate, type PolicyInput, type PolicyOutcome } from '../policy/index.js';
import { StoreUnavailableError } from '../store/errors.js';
import type { DecideDeps, Deliberation } from './pipeline.js';
import type { Verdict } from './verdict.js';

export async function chargeLimits(
  deps: DecideDeps,
  state: Deliberation,
  allowed: Verdict,
  evaluateAgain: () => Promise<Verdict>,
): Promise<Verdict> {
  let verdict = allowed;
  for (let attempt = 0; attempt < LIMIT_CHARGE_ATTEMPTS; attempt++) {
    const charges = state.limitCharges ?? [];
    if (charges.length === 0) return verdict;
    if (await deps.limits.charge(state.tenantId, charges)) {
      state.spent = { ...state.spent, limitCharges: charges };
      return verdict;
    }
    const again = await evaluateAgain();
    // An approved re-run stays approved unless the policy now refuses; a plain preflight takes the
    // fresh verdict whatever it is.
    const refused = again.decision === 'deny' || again.decision === 'require_tool_reapproval';
    if (state.approval !== undefined ? refused : again.decision !== 'allow') {
      await giveBackApproval(deps, state);
      return again;
    }
    if (state.approval === undefined) verdict = again;
  }
  await giveBackApproval(deps, state);
  throw new StoreUnavailableError('limits');
}

/** Takes back charges whose action will not run after all (a refused lease, a failed append). */
export async function refundLimits(deps: DecideDeps, state: Deliberation): Promise<void> {
  const charges = state.spent?.limitCharges;
  if (!charges || charges.length === 0) return;
  state.spent = { ...state.spent, limitCharges: [] };
  await deps.limits.refund(state.tenantId, charges).catch(() => undefined);
}

/** An approval spent on a re-run that ends refused is given back, so it can run once limits allow. */
async function giveBackApproval(deps: DecideDeps, state: Deliberation): Promise<void> {
  const approvalId = state.spent?.approvalId;
  if (approvalId === undefined) return;
  state.spent = { ...state.spent, approvalId: undefined };
  await deps.approvals.unconsume(state.tenantId, approvalId).catch(() => undefined);
}

/** The policy's verdict with its limits read from `limits` (none reached without them). */
export function evaluateLimited(
  limits: LimitCheck | null,
  policy: CompiledPolicy,
  input: PolicyInput,
): PolicyOutcome {
  return evaluate(policy, input, limits ? { limitReached: limits.limitReached } : {});
}
