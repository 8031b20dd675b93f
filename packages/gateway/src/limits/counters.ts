/**
 * Which counter an action adds to under a rule's limit, and by how much. A counter is per rule, kind,
 * window length, summed argument and the `per` values (agent, user, tool), in fixed windows aligned to
 * the epoch: simple to make atomic in one statement, at the price of allowing up to twice the limit
 * across a window boundary (documented).
 */
import { canonicalize } from '@actpass/sdk/canonical';
import { sha256Hex } from '../crypto/hash.js';
import type { CompiledRule, JsonObject } from '../policy/index.js';
import type { LimitCharge } from '../store/types.js';

export interface LimitedAction {
  agent_id: string | null;
  user_id: string | null;
  tool: string;
  args: JsonObject;
}

/** The charge this action would make, or `unreadable` when a budget's argument is not a whole amount. */
export function chargeFor(
  rule: CompiledRule,
  action: LimitedAction,
  nowMs: number,
): LimitCharge | 'unreadable' {
  const limit = rule.limit;
  if (limit === null) throw new Error(`rule ${rule.id} has no limit`);
  const spec = limit.rate ?? limit.budget;
  const windowMs = spec.window_seconds * 1000;
  const start = Math.floor(nowMs / windowMs) * windowMs;
  let amount = 1;
  if (limit.budget) {
    const value = argument(action.args, limit.budget.arg);
    // Fail closed: an amount that is missing, fractional, negative or huge cannot dodge the budget.
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return 'unreadable';
    amount = value;
  }
  const per = limit.per ?? ['agent_id'];
  const identity = {
    rule: rule.id,
    kind: limit.rate ? 'rate' : 'budget',
    window_seconds: spec.window_seconds,
    arg: limit.budget?.arg ?? null,
    per: Object.fromEntries(per.map((key) => [key, action[key]])),
  };
  return {
    key: sha256Hex(canonicalize(identity)),
    window_start_ms: start,
    window_end_ms: start + windowMs,
    amount,
    max: spec.max,
  };
}

/** Own data members only, like the policy evaluator: `args.__proto__` is simply missing. */
function argument(args: JsonObject, path: string): unknown {
  let value: unknown = args;
  for (const segment of path.split('.').slice(1)) {
    if (
      typeof value !== 'object' ||
      value === null ||
      Array.isArray(value) ||
      !Object.hasOwn(value, segment)
    ) {
      return undefined;
    }
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}
