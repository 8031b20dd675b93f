/** What an authenticated key may do: roles, its tenant, and (for agent-bound keys) its agent. */
import { AuthError } from './errors.js';
import type { Principal, Role } from './keys.js';

export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (allowed.some((role) => principal.roles.has(role))) return;
  const needed = allowed.join(' or ');
  throw new AuthError('auth.forbidden', `This operation needs the ${needed} role; use a key that has it.`);
}

/**
 * The tenant comes from the key. A hint (header or body `tenant_id`) is only checked: a different value
 * is refused, so a client misconfigured for another tenant learns it at once instead of acting here.
 */
export function checkTenantHint(principal: Principal, hint: unknown, where: string): void {
  if (hint === undefined || hint === null) return;
  if (hint !== principal.tenantId) {
    throw new AuthError(
      'auth.tenant_mismatch',
      `${where} names a tenant other than this API key's; remove it or use a key of that tenant.`,
    );
  }
}

/** An agent-bound key acts as its agent: an omitted agent_id becomes it, a different one is refused. */
export function effectiveAgentId(principal: Principal, requested: string | undefined): string | null {
  if (principal.agentId === null) return requested ?? null;
  if (requested !== undefined && requested !== principal.agentId) {
    throw new AuthError(
      'auth.forbidden',
      `body.agent_id: this API key is bound to agent "${principal.agentId}"; omit agent_id or use that value.`,
    );
  }
  return principal.agentId;
}
