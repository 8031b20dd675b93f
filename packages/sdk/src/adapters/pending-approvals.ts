/**
 * Which held actions of one client wait for a person, so that the model's retry of the very same
 * action carries the approval request id: once a person approves, the gateway releases that request
 * (it binds an approval to the exact action) instead of opening a new one.
 *
 * Kept per client, in memory only, keyed by the SHA-256 of the action's canonical JSON (tool, args,
 * resource, goal, agent, user: what the gateway binds). An entry is forgotten when the decision with
 * it is anything but "still pending" (released, denied, expired, refused), so the next identical call
 * after that asks afresh. At most {@link MAX_REMEMBERED} entries per client; the oldest go first.
 */
import type { ActPass } from '../client.js';
import type { PreflightDecision } from '../core/decision.js';
import type { PreflightParams } from '../core/types.js';
import { canonicalOrNull, sha256Hex } from '../internal/hash.js';
import { BoundedMap } from './bounded.js';

const MAX_REMEMBERED = 1000;
// Shared by every adapter entry (each bundles its own copy of this module) through the global registry.
const REGISTRY = Symbol.for('actpass.adapters.pendingApprovals');

type Memory = WeakMap<ActPass, BoundedMap<string, string>>;

function memoryOf(client: ActPass): BoundedMap<string, string> {
  const holder = globalThis as { [REGISTRY]?: Memory };
  holder[REGISTRY] ??= new WeakMap();
  let memory = holder[REGISTRY].get(client);
  if (!memory) {
    memory = new BoundedMap(MAX_REMEMBERED);
    holder[REGISTRY].set(client, memory);
  }
  return memory;
}

/** The memory key of an action, or null when it has no canonical form (then nothing is remembered). */
export async function actionKey(params: PreflightParams): Promise<string | null> {
  const text = canonicalOrNull({
    tool: params.tool,
    args: params.args ?? {},
    resource: params.resource ?? null,
    goal: params.goal,
    agent_id: params.agent_id ?? null,
    user_id: params.user_id ?? null,
  });
  return text === null ? null : sha256Hex(text);
}

export function pendingApproval(client: ActPass, key: string | null): string | undefined {
  return key === null ? undefined : memoryOf(client).get(key);
}

/** Records what the decision says about the action's approval request. */
export function rememberApproval(client: ActPass, key: string | null, decision: PreflightDecision): void {
  if (key === null) return;
  const memory = memoryOf(client);
  memory.delete(key);
  const id = decision.source === 'gateway' ? decision.approval_request_id : undefined;
  if (decision.decision !== 'require_approval' || !id) return;
  memory.set(key, id);
}
