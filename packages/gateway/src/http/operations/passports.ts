/**
 * Passport issuance, verification and revocation. The token itself never enters the ledger:
 * it is a bearer credential; the ledger records its jti and what it allows.
 */
import { effectiveAgentId } from '../../auth/index.js';
import { verifyDelegation } from '../../decide/index.js';
import type { LedgerEvent } from '../../ledger/index.js';
import { issuePassport, PASSPORT_LEEWAY_MAX_SECONDS } from '../../passport/index.js';
import { InvalidInputError, NotFoundError } from '../../store/errors.js';
import { caller, type OperationSpec } from '../types.js';

export const issuePassportOperation: OperationSpec = {
  roles: ['agent'],
  async run(context) {
    const { services, body } = context;
    const principal = caller(context);
    const nowSeconds = Math.floor(services.nowMs() / 1000);
    let issued: ReturnType<typeof issuePassport>;
    try {
      issued = issuePassport(
        services.keyset,
        {
          issuer: services.issuer,
          audience: body.audience,
          tenant_id: principal.tenantId,
          agent_id: effectiveAgentId(principal, body.agent_id),
          user_id: body.user_id ?? null,
          goal: body.goal,
          allowed_tools: body.allowed_tools,
          allowed_resources: body.allowed_resources,
          resource_constraints: body.resource_constraints,
          risk_tier: body.risk_tier,
          action_hash: body.action_hash,
          ttl_seconds: body.ttl_seconds,
        },
        nowSeconds,
      );
    } catch (error) {
      if (error instanceof TypeError) throw new InvalidInputError(`body: ${error.message}; fix the request.`);
      throw error;
    }
    const { claims } = issued;
    const expiresAt = new Date(claims.exp * 1000).toISOString();
    await services.stores.ledger.append(principal.tenantId, {
      type: 'passport.issued',
      data: {
        jti: claims.jti,
        audience: claims.aud,
        agent_id: claims.agent_id,
        user_id: claims.user_id,
        goal: claims.goal,
        allowed_tools: claims.allowed_tools,
        allowed_resources: claims.allowed_resources,
        resource_constraints: claims.resource_constraints,
        risk_tier: claims.risk_tier,
        expires_at: expiresAt,
        exp: claims.exp,
        key_id: principal.keyId,
      },
    });
    return { status: 201, body: { token: issued.token, jti: claims.jti, expires_at: expiresAt, claims } };
  },
};

export const verifyPassportOperation: OperationSpec = {
  roles: ['agent'],
  async run(context) {
    const { services, body } = context;
    const principal = caller(context);
    const action =
      body.tool === undefined ? undefined : { tool: body.tool, resource: body.resource, args: body.args };
    const result = await verifyDelegation(
      {
        ...services.decide.delegation,
        ...(body.audience !== undefined ? { audiences: [body.audience] } : {}),
      },
      principal.tenantId,
      body.token,
      Math.floor(services.nowMs() / 1000),
      action,
    );
    if (result.ok) return { status: 200, body: { valid: true, claims: result.claims } };
    return {
      status: 200,
      body: {
        valid: false,
        reason_code: result.reason_code,
        message: result.message,
        // Claims of another tenant's passport are not this caller's to read.
        ...(result.claims && result.claims.tenant_id === principal.tenantId ? { claims: result.claims } : {}),
      },
    };
  },
};

/**
 * An agent key revokes its own delegations (a key bound to an agent id, only that agent's); an admin
 * withdraws any passport of the tenant. The event records which key revoked it (the ledger's writer
 * stamp carries that key's roles).
 */
export const revokePassportOperation: OperationSpec = {
  roles: ['agent', 'admin'],
  async run(context) {
    const { services, body, params } = context;
    const principal = caller(context);
    const issued = await findIssued(services.stores.ledger.events(principal.tenantId), params.jti as string);
    if (!issued) throw new NotFoundError(`No passport ${params.jti}.`);
    const asAdmin = principal.roles.has('admin');
    // Another agent's passport is reported like a missing one, so jtis cannot be probed across agents.
    if (!asAdmin && principal.agentId !== null && issued.data.agent_id !== principal.agentId) {
      throw new NotFoundError(`No passport ${params.jti}.`);
    }
    // Kept past any possible use: expiry plus the largest leeway a verifier may apply.
    const keepUntil = Number(issued.data.exp) + PASSPORT_LEEWAY_MAX_SECONDS;
    const revokedAt = new Date(services.nowMs()).toISOString();
    // Recorded first: a revocation takes effect only together with its ledger event (a failed append
    // is a 503 the caller retries).
    await services.stores.ledger.append(principal.tenantId, {
      type: 'passport.revoked',
      data: { jti: params.jti as string, reason: body.reason, key_id: principal.keyId },
    });
    await services.stores.jti.revoke(principal.tenantId, params.jti as string, body.reason, keepUntil);
    return {
      status: 200,
      body: { jti: params.jti, revoked: true, reason: body.reason, revoked_at: revokedAt },
    };
  },
};

/**
 * The ledger is the record of issuance, so a jti belongs to a tenant exactly when that tenant's chain
 * has its `passport.issued` event; a foreign or invented jti is not found. (A database store would
 * index this; the scan is fine for the embedded stores.)
 */
async function findIssued(events: AsyncIterable<LedgerEvent>, jti: string): Promise<LedgerEvent | undefined> {
  for await (const event of events) {
    if (event.type === 'passport.issued' && event.data.jti === jti) return event;
  }
  return undefined;
}
