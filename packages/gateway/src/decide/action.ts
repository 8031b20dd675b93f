import { canonicalize } from '@actpass/sdk/canonical';
import { sha256Hex } from '../crypto/hash.js';
import type { JsonObject } from '../policy/index.js';
import type { CanonicalAction } from '../store/types.js';

export interface ActionFields {
  goal: string;
  tool: string;
  resource?: string;
  args?: JsonObject;
  user_id?: string;
}

/**
 * `{tenant_id, agent_id, user_id, goal, tool, resource, args}` with null for an absent
 * agent, user or resource and `{}` for absent args, so "absent" hashes one way in every language.
 */
export function canonicalAction(
  tenantId: string,
  agentId: string | null,
  fields: ActionFields,
): CanonicalAction {
  return {
    tenant_id: tenantId,
    agent_id: agentId,
    user_id: fields.user_id ?? null,
    goal: fields.goal,
    tool: fields.tool,
    resource: fields.resource ?? null,
    args: fields.args ?? {},
  };
}

/** Hex SHA-256 of the canonical action: what approvals and action-bound passports pin. */
export function actionHash(action: CanonicalAction): string {
  return sha256Hex(canonicalize(action));
}
