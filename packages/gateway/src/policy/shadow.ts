import { jsonEquals } from './json.js';
import type { CompiledPolicy, Condition, JsonValue, Rule } from './types.js';

export interface ShadowedRule {
  rule_id: string;
  index: number;
  /** the earlier rule that always matches whenever this one would */
  shadowed_by: string;
  shadowed_by_index: number;
}

/**
 * Rules that can never win because an earlier rule matches every input they match. Sound, not
 * complete: it compares conditions syntactically (same path, operator and value), so every rule it
 * reports is truly dead, while some dead rules (e.g. `> 10` after `> 5`) go unreported.
 *
 * An earlier rule A covers a later rule B when A's `when` conditions all appear in B's `when`, and
 * either A has no `any`, or some condition of A's `any` appears in B's `when`, or B has an `any`
 * whose every condition also appears in A's `any`.
 */
export function findShadowedRules(policy: CompiledPolicy): ShadowedRule[] {
  const rules = policy.source.rules;
  const found: ShadowedRule[] = [];
  rules.forEach((rule, index) => {
    const earlier = rules.slice(0, index).findIndex((candidate) => covers(candidate, rule));
    if (earlier >= 0) {
      const by = rules[earlier] as Rule;
      found.push({ rule_id: rule.id, index, shadowed_by: by.id, shadowed_by_index: earlier });
    }
  });
  return found;
}

function covers(a: Rule, b: Rule): boolean {
  // A rule with a limit lets every action through until the limit is reached: it shadows nothing.
  if (a.limit !== undefined) return false;
  const bWhen = b.when ?? [];
  if (!(a.when ?? []).every((c) => includes(bWhen, c))) return false;
  if (a.any === undefined) return true;
  if (a.any.some((c) => includes(bWhen, c))) return true;
  if (b.any === undefined) return false;
  const aAny = a.any;
  return b.any.every((c) => includes(aAny, c));
}

function includes(list: readonly Condition[], condition: Condition): boolean {
  return list.some((other) => sameCondition(other, condition));
}

function sameCondition(x: Condition, y: Condition): boolean {
  if (x.path !== y.path || x.operator !== y.operator) return false;
  if (x.value === undefined || y.value === undefined) return x.value === y.value;
  return jsonEquals(x.value, y.value as JsonValue);
}
