/**
 * What an approver (or the agent that asked) sees of an approval request: the contract's
 * `ApprovalRequest`, with the delegation the action was held under and its status now, so a person can tell a revoked passport before approving.
 */
import type { JtiClaimStore } from '../passport/index.js';
import type { ApprovalRecord } from '../store/types.js';
import { publicApproval } from './service.js';

export type DelegationStatus = 'active' | 'expired' | 'revoked';

export interface ApprovalDelegationView {
  jti: string;
  goal: string;
  user_id: string | null;
  agent_id: string | null;
  expires_at: string;
  status: DelegationStatus;
}

export async function approvalView(
  record: ApprovalRecord,
  revocations: Pick<JtiClaimStore, 'isRevoked'>,
  nowMs: number,
): Promise<ReturnType<typeof publicApproval> & { delegation?: ApprovalDelegationView }> {
  const visible = publicApproval(record);
  const held = record.passport;
  if (!held) return visible;
  const { claims } = held;
  const status: DelegationStatus = (await revocations.isRevoked(record.tenant_id, held.jti))
    ? 'revoked'
    : nowMs >= claims.exp * 1000
      ? 'expired'
      : 'active';
  return {
    ...visible,
    delegation: {
      jti: held.jti,
      goal: claims.goal,
      user_id: claims.user_id,
      agent_id: claims.agent_id,
      expires_at: new Date(claims.exp * 1000).toISOString(),
      status,
    },
  };
}
