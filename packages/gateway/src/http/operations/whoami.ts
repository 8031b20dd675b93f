import { ROLES } from '../../auth/index.js';
import { caller, type OperationSpec } from '../types.js';

/** Any valid key: who it is, so a console or CLI can show what it may do. */
export const whoami: OperationSpec = {
  roles: ROLES,
  async run(context) {
    const principal = caller(context);
    return {
      status: 200,
      body: {
        tenant_id: principal.tenantId,
        key_id: principal.keyId,
        roles: ROLES.filter((role) => principal.roles.has(role)),
        ...(principal.agentId !== null ? { agent_id: principal.agentId } : {}),
      },
    };
  },
};
