/**
 * The enforcing proxy acts for an agent: it authenticates with its own `proxy`-role key and
 * forwards the agent's key beside it. The gateway then decides as that agent (its tenant, roles and
 * agent binding), and only because a proxy key vouches for the call may a `delivery: "proxy"`
 * credential be leased. An agent key alone can never obtain such a lease.
 */
import { AuthError } from './errors.js';
import type { ApiKeyRegistry, Principal } from './keys.js';

export function actingPrincipal(keys: ApiKeyRegistry, caller: Principal, agentKey: string | null): Principal {
  if (agentKey === null) return caller;
  if (!caller.roles.has('proxy')) {
    throw new AuthError('auth.forbidden', 'Only a key with the proxy role may act for an agent key.');
  }
  const agent = keys.authenticateKey(agentKey.trim());
  if (agent.tenantId !== caller.tenantId) {
    throw new AuthError(
      'auth.tenant_mismatch',
      "The agent key belongs to a tenant other than the proxy key's; give the proxy a key of that tenant.",
    );
  }
  return { ...agent, viaProxyKeyId: caller.keyId };
}
