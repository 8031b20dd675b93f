import { type ApprovalViewer, approvalView } from '../../approvals/index.js';
import type { ApprovalRecord, ApprovalStatus } from '../../store/types.js';
import { caller, type OperationContext, type OperationSpec } from '../types.js';

/** The contract's `ApprovalRequest`, with the held delegation and its status now. */
function view(context: OperationContext, record: ApprovalRecord) {
  return approvalView(record, context.services.stores.jti, context.services.nowMs());
}

function viewer(context: OperationContext): ApprovalViewer {
  const principal = caller(context);
  return {
    tenantId: principal.tenantId,
    keyId: principal.keyId,
    agentId: principal.agentId,
    isApprover: principal.roles.has('approver'),
  };
}

export const listApprovals: OperationSpec = {
  roles: ['approver'],
  async run(context) {
    const status = context.query.status as ApprovalStatus | undefined;
    const limit = context.query.limit as number;
    const records = await context.services.approvals.list(caller(context).tenantId, status, limit);
    return {
      status: 200,
      body: { items: await Promise.all(records.map((record) => view(context, record))) },
    };
  },
};

export const getApproval: OperationSpec = {
  roles: ['agent', 'approver'],
  async run(context) {
    const record = await context.services.approvals.get(viewer(context), context.params.id as string);
    return { status: 200, body: await view(context, record) };
  },
};

function decideApproval(verdict: 'approved' | 'denied'): OperationSpec {
  return {
    roles: ['approver'],
    async run(context) {
      if (verdict === 'approved') {
        // A held action a suspension covers cannot be released (409 suspended.<scope>); its re-run
        // would be denied anyway, and an approval must not outlive the suspension unnoticed.
        const held = await context.services.approvals.get(viewer(context), context.params.id as string);
        await context.services.suspensions.assertReleasable(
          held.tenant_id,
          held.action,
          `Approval request ${held.id}`,
        );
      }
      const record = await context.services.approvals.decide(
        viewer(context),
        context.params.id as string,
        verdict,
        context.body?.note,
      );
      return { status: 200, body: await view(context, record) };
    },
  };
}

export const approveApproval = decideApproval('approved');
export const denyApproval = decideApproval('denied');
