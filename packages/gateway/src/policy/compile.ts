import { DEFAULT_DECISION, NO_MATCH_REASON, PATH_ROOTS, RISK_TIER_BY_DECISION } from './constants.js';
import { PolicyError } from './errors.js';
import { bindOperator } from './operators.js';
import { buildToolIndex } from './tool-index.js';
import type {
  CompiledCondition,
  CompiledPolicy,
  CompiledRule,
  Condition,
  PathRoot,
  Policy,
  PolicyProblem,
  Rule,
} from './types.js';
import { validatePolicy } from './validate.js';

export type CompileResult = { ok: true; policy: CompiledPolicy } | { ok: false; problems: PolicyProblem[] };

/**
 * Validates a raw policy (usually parsed JSON) and prepares it for evaluation. Never throws: an
 * invalid policy comes back with every problem found.
 */
export function compilePolicy(raw: unknown): CompileResult {
  const { policy, problems } = validatePolicy(raw);
  if (policy === undefined || problems.length > 0) return { ok: false, problems };
  return { ok: true, policy: assemble(policy) };
}

/** As `compilePolicy`, but throws a `PolicyError` listing every problem. */
export function loadPolicy(raw: unknown): CompiledPolicy {
  const result = compilePolicy(raw);
  if (!result.ok) throw new PolicyError(result.problems);
  return result.policy;
}

function assemble(source: Policy): CompiledPolicy {
  const rules = Object.freeze(source.rules.map(compileRule));
  const decision = source.default?.decision ?? DEFAULT_DECISION;
  const fallback = Object.freeze({
    decision,
    reason_code: source.default?.reason ?? NO_MATCH_REASON,
    risk_tier: source.default?.risk_tier ?? RISK_TIER_BY_DECISION[decision],
    matched_rule: null,
  });
  return Object.freeze({
    source,
    id: source.id,
    version: source.version,
    rules,
    fallback,
    index: buildToolIndex(rules),
  });
}

function compileRule(rule: Rule): CompiledRule {
  return Object.freeze({
    id: rule.id,
    when: Object.freeze((rule.when ?? []).map(compileCondition)),
    any: rule.any === undefined ? null : Object.freeze(rule.any.map(compileCondition)),
    limit: rule.limit ?? null,
    decision: rule.decision,
    reason_code: rule.reason,
    risk_tier: rule.risk_tier ?? RISK_TIER_BY_DECISION[rule.decision],
  });
}

function compileCondition(condition: Condition): CompiledCondition {
  const [root, ...segments] = condition.path.split('.');
  return Object.freeze({
    source: condition,
    root: root as PathRoot,
    rootIndex: PATH_ROOTS.indexOf(root as PathRoot),
    segments: Object.freeze(segments),
    test: bindOperator(condition.operator, condition.value, condition.path),
  });
}
