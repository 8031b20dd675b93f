/** Tools, credentials and policy: the admin's operations. */
import { CREDENTIAL_LEASE_TTL_DEFAULT_SECONDS } from '../../constants.js';
import { NotFoundError } from '../../store/errors.js';
import { SuspiciousToolError } from '../../tools/index.js';
import { HttpError } from '../errors.js';
import { caller, type OperationSpec } from '../types.js';

export const listTools: OperationSpec = {
  // The enforcing MCP proxy reads approved definitions to hold or hide tools nobody approved.
  roles: ['admin', 'proxy'],
  async run(context) {
    return { status: 200, body: { items: await context.services.tools.list(caller(context).tenantId) } };
  },
};

export const approveTool: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const tenantId = caller(context).tenantId;
    try {
      const approved = await context.services.tools.approve(
        tenantId,
        context.params.name as string,
        context.body,
      );
      return { status: 200, body: approved };
    } catch (error) {
      // Held, not malformed: 409 names the field that releases it and every finding with its decoded text.
      if (error instanceof SuspiciousToolError) {
        throw new HttpError(409, 'tool.suspicious', error.message, [
          {
            path: 'body.acknowledge_findings',
            message: 'set to true to approve this definition after reviewing the findings below',
          },
          ...error.findings.map((f) => ({
            path: `body.${f.field}`,
            message: `${f.code} (${f.severity}): ${f.decoded}`,
          })),
        ]);
      }
      throw error;
    }
  },
};

export const listCredentials: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    return { status: 200, body: { items: await context.services.vault.list(caller(context).tenantId) } };
  },
};

export const putCredential: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const { services, body } = context;
    const tenantId = caller(context).tenantId;
    const name = context.params.name as string;
    const stored = await services.vault.put(tenantId, name, body.value, {
      boundTools: body.bound_tools,
      ttlSeconds: body.lease_ttl_seconds ?? CREDENTIAL_LEASE_TTL_DEFAULT_SECONDS,
      delivery: body.delivery ?? 'sdk',
      record: async (sealed) => {
        await services.stores.ledger.append(tenantId, {
          type: 'credential.stored',
          data: {
            name,
            version: sealed.version,
            bound_tools: sealed.bound_tools,
            delivery: sealed.delivery ?? 'sdk',
          },
        });
      },
    });
    return { status: 200, body: stored };
  },
};

export const deleteCredential: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const { services } = context;
    const tenantId = caller(context).tenantId;
    const name = context.params.name as string;
    const deleted = await services.vault.delete(tenantId, name, async () => {
      await services.stores.ledger.append(tenantId, { type: 'credential.deleted', data: { name } });
    });
    if (!deleted) throw new NotFoundError(`No credential ${name}.`);
    return { status: 200, body: { name, deleted: true } };
  },
};

export const getPolicy: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const { document } = await context.services.policies.current(caller(context).tenantId);
    return { status: 200, body: document };
  },
};

export const putPolicy: OperationSpec = {
  roles: ['admin'],
  // The policy compiler reports every problem with its rule id; the schema check would stop at shape.
  validatesOwnBody: true,
  async run(context) {
    const { document } = await context.services.policies.replace(caller(context).tenantId, context.body);
    return { status: 200, body: document };
  },
};
