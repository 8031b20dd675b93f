/**
 * A preflight that names an approval request. The approval replaces the passport step (it
 * carries the delegation verified when the action was held) but not the rest: a drifted tool or a
 * policy that now denies still wins, and only an `allow` spends the approval, exactly once.
 *
 * A `used` approval answers `deny` / `approval.expired`: it has been spent and can no longer authorise
 * anything, which is what "expired" tells the caller (ask again), while `approval.granted` stays the
 * code of the one allow it produced.
 */
import type { DecideDeps, Deliberation } from './pipeline.js';
import { approvalVerdict, type Verdict } from './verdict.js';

const ASK_AGAIN = 'Run preflight without approval_request_id to ask for a new approval.';

export async function decideWithApproval(
  deps: DecideDeps,
  state: Deliberation,
  approvalId: string,
  steps: { delegation: () => Promise<Verdict | null>; toolAndPolicy: () => Promise<Verdict> },
): Promise<Verdict> {
  const found = await deps.approvals.lookupForRerun(state.tenantId, approvalId, state.actionHash);
  if (found.state === 'missing' || found.state === 'mismatch') {
    const why = found.state === 'missing' ? 'does not exist' : 'was requested for a different action';
    return approvalVerdict('deny', 'approval.mismatch', 'high', `Approval request ${approvalId} ${why}.`, [
      'Re-run with the exact action that was held (same goal, tool, resource, args, agent and user).',
    ]);
  }
  const record = found.record;
  state.approval = record;
  switch (found.state) {
    case 'pending':
      return approvalVerdict(
        'require_approval',
        'approval.pending',
        record.risk_tier,
        `Approval request ${approvalId} is waiting for an approver.`,
        [`Wait for an approver to decide ${approvalId}, then re-run.`],
      );
    case 'denied':
      return approvalVerdict(
        'deny',
        'approval.denied',
        record.risk_tier,
        denialSummary(approvalId, record.note),
      );
    case 'expired':
      return approvalVerdict(
        'deny',
        'approval.expired',
        record.risk_tier,
        `Approval request ${approvalId} expired.`,
        [ASK_AGAIN],
      );
    case 'used':
      return approvalVerdict(
        'deny',
        'approval.expired',
        record.risk_tier,
        `Approval request ${approvalId} was already used; an approval allows one run.`,
        [ASK_AGAIN],
      );
    case 'approved':
      break;
  }

  const refused = await steps.delegation();
  if (refused) return refused;
  const current = await steps.toolAndPolicy();
  if (current.decision === 'deny' || current.decision === 'require_tool_reapproval') return current;
  if (!(await deps.approvals.consume(state.tenantId, approvalId))) {
    return approvalVerdict(
      'deny',
      'approval.expired',
      record.risk_tier,
      `Approval request ${approvalId} was used by a concurrent re-run; an approval allows one run.`,
      [ASK_AGAIN],
    );
  }
  state.spent = { ...state.spent, approvalId };
  const by = record.decided_by ? ` by ${record.decided_by}` : '';
  return approvalVerdict(
    'allow',
    'approval.granted',
    record.risk_tier,
    `Approved${by}: ${current.summary}`,
    [],
  );
}

function denialSummary(approvalId: string, note: string | undefined): string {
  return `Approval request ${approvalId} was denied${note ? `: ${note}` : '.'}`;
}
