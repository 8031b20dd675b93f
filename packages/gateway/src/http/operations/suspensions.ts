/** The kill switch over HTTP: each operation is one call into `SuspensionService`. */
import { caller, type OperationSpec } from '../types.js';

export const createSuspension: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const principal = caller(context);
    const created = await context.services.suspensions.create(
      principal.tenantId,
      principal.keyId,
      context.body,
    );
    return { status: 201, body: created };
  },
};

export const listSuspensions: OperationSpec = {
  roles: ['admin', 'approver'],
  async run(context) {
    const status = (context.query.status as 'active' | 'all' | undefined) ?? 'active';
    const limit = context.query.limit as number;
    const items = await context.services.suspensions.list(
      caller(context).tenantId,
      status === 'active',
      limit,
    );
    return { status: 200, body: { items } };
  },
};

export const getSuspension: OperationSpec = {
  roles: ['admin', 'approver'],
  async run(context) {
    const found = await context.services.suspensions.get(
      caller(context).tenantId,
      context.params.id as string,
    );
    return { status: 200, body: found };
  },
};

export const resumeSuspension: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const principal = caller(context);
    const resumed = await context.services.suspensions.resume(
      principal.tenantId,
      principal.keyId,
      context.params.id as string,
    );
    return { status: 200, body: resumed };
  },
};
