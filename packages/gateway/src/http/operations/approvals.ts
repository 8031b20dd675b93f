import { type ApprovalViewer, publicApproval } from '../../approvals/index.js';
import type { ApprovalStatus } from '../../store/types.js';
import { caller, type OperationContext, type OperationSpec } from '../types.js';

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
    return { status: 200, body: { items: records.map(publicApproval) } };
  },
};

export const getApproval: OperationSpec = {
  roles: ['agent', 'approver'],
  async run(context) {
    const record = await context.services.approvals.get(viewer(context), context.params.id as string);
    return { status: 200, body: publicApproval(record) };
  },
};

function decideApproval(verdict: 'approved' | 'denied'): OperationSpec {
  return {
    roles: ['approver'],
    async run(context) {
      const record = await context.services.approvals.decide(
        viewer(context),
        context.params.id as string,
        verdict,
        context.body?.note,
      );
      return { status: 200, body: publicApproval(record) };
    },
  };
}

export const approveApproval = decideApproval('approved');
export const denyApproval = decideApproval('denied');
