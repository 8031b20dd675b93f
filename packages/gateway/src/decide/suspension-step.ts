/**
 * The kill switch's step, first in the pipeline: a preflight a suspension covers is denied before
 * any passport is spent or approval looked at, so a held action of a suspended agent cannot be
 * released by re-running it either. Binding in `warn` mode; `monitor` only observes.
 */
import { describeSuspension, suspendedReason } from '../suspensions/index.js';
import type { DecideDeps, Deliberation } from './pipeline.js';
import type { Verdict } from './verdict.js';

export async function suspensionStep(deps: DecideDeps, state: Deliberation): Promise<Verdict | null> {
  const found = await deps.suspensions.covering(state.tenantId, state.action);
  if (!found) return null;
  return {
    decision: 'deny',
    reason_code: suspendedReason(found.scope),
    risk_tier: 'critical',
    matched_rules: [],
    summary: `Suspended: ${describeSuspension(found)}.`,
    next_steps: [`Do not run the action; an admin must resume suspension ${found.id} first.`],
    binding: true,
  };
}
