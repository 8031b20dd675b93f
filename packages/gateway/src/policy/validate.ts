import {
  DECISIONS,
  JSON_TYPES,
  OPERATORS,
  PATH_ROOTS,
  REASON_CODE_PATTERN,
  RISK_TIERS,
  VALUELESS_OPERATORS,
} from './constants.js';
import { validateLimit } from './limit.js';
import { isToolName, toolGlobProblem } from './names.js';
import { pathWithinValueProblem } from './path-within.js';
import type { Condition, JsonValue, Operator, Policy, PolicyProblem, ProblemCode, Rule } from './types.js';
import { checkWellFormed, copyJsonValue, isPlainObject, memberPath as member } from './validate-json.js';

/**
 * Checks a raw policy against the policy language and reports every problem, not just the first. On success it
 * returns a deep, frozen copy made only of JSON values, so later changes to the caller's object cannot
 * reach a compiled policy.
 */
export function validatePolicy(raw: unknown): { policy?: Policy; problems: PolicyProblem[] } {
  const checker = new Checker();
  const policy = checker.policy(raw);
  return checker.problems.length === 0 ? { policy, problems: [] } : { problems: checker.problems };
}

type Fields = Record<string, unknown>;

const POLICY_KEYS = ['id', 'version', 'description', 'default', 'rules'];
const DEFAULT_KEYS = ['decision', 'reason', 'risk_tier'];
const RULE_KEYS = ['id', 'description', 'when', 'any', 'limit', 'decision', 'reason', 'risk_tier'];
const CONDITION_KEYS = ['path', 'operator', 'value'];
const ORDERING_OPERATORS: readonly Operator[] = ['>', '>=', '<', '<='];
const STRING_OPERATORS: readonly Operator[] = ['starts_with', 'ends_with', 'glob', 'path_within'];

class Checker {
  readonly problems: PolicyProblem[] = [];

  policy(raw: unknown): Policy {
    const fields = this.object(raw, '$', null, POLICY_KEYS);
    if (fields === undefined) return undefined as unknown as Policy;
    const policy: Fields = {};
    policy.id = this.nonEmptyString(fields, 'id', '', null, true);
    policy.version = this.version(fields);
    this.optionalString(fields, 'description', '', null, policy);
    if (has(fields, 'default')) {
      const fallback = this.object(fields.default, 'default', null, DEFAULT_KEYS);
      if (fallback !== undefined) {
        const copy: Fields = {};
        copy.decision = this.decision(fallback, 'default', null);
        if (has(fallback, 'reason')) copy.reason = this.reason(fallback, 'default', null);
        if (has(fallback, 'risk_tier')) copy.risk_tier = this.riskTier(fallback, 'default', null);
        policy.default = Object.freeze(copy);
      }
    }
    policy.rules = this.rules(fields);
    return Object.freeze(policy) as unknown as Policy;
  }

  private rules(fields: Fields): Rule[] {
    if (!has(fields, 'rules')) {
      this.report(null, 'rules', 'missing_field', 'rules is required (it may be an empty array)');
      return [];
    }
    if (!Array.isArray(fields.rules)) {
      this.report(null, 'rules', 'invalid_type', 'rules must be an array');
      return [];
    }
    const seen = new Set<string>();
    const rules: Rule[] = [];
    fields.rules.forEach((raw: unknown, i: number) => {
      const at = `rules[${i}]`;
      const rawId = isPlainObject(raw) ? raw.id : undefined;
      const ruleId = typeof rawId === 'string' && rawId.length > 0 ? rawId : null;
      const rule = this.object(raw, at, ruleId, RULE_KEYS);
      if (rule === undefined) return;
      const copy: Fields = { id: this.nonEmptyString(rule, 'id', `${at}.`, null, true) };
      if (ruleId !== null) {
        if (seen.has(ruleId)) {
          this.report(ruleId, `${at}.id`, 'duplicate_rule_id', `rule id "${ruleId}" is already used`);
        }
        seen.add(ruleId);
      }
      this.optionalString(rule, 'description', `${at}.`, ruleId, copy);
      for (const kind of ['when', 'any'] as const) {
        if (has(rule, kind)) copy[kind] = this.conditions(rule[kind], `${at}.${kind}`, ruleId, kind);
      }
      if (has(rule, 'limit')) {
        copy.limit = validateLimit(rule.limit, `${at}.limit`, ruleId, this.problems);
        if (rule.decision === 'allow') {
          this.report(
            ruleId,
            `${at}.decision`,
            'invalid_decision',
            'a rule with a limit answers once the limit is reached: use deny, require_approval or warn',
          );
        }
      }
      copy.decision = this.decision(rule, at, ruleId);
      copy.reason = this.reason(rule, at, ruleId, true);
      if (has(rule, 'risk_tier')) copy.risk_tier = this.riskTier(rule, at, ruleId);
      rules.push(Object.freeze(copy) as unknown as Rule);
    });
    return Object.freeze(rules) as Rule[];
  }

  private conditions(raw: unknown, at: string, ruleId: string | null, kind: 'when' | 'any'): Condition[] {
    if (!Array.isArray(raw)) {
      this.report(ruleId, at, 'invalid_type', `${kind} must be an array of conditions`);
      return [];
    }
    if (kind === 'any' && raw.length === 0) {
      // An empty `any` can never hold, so the rule could never match: almost certainly a mistake.
      this.report(ruleId, at, 'invalid_value', 'any must list at least one condition (omit it instead)');
    }
    return Object.freeze(
      raw.map((c: unknown, i: number) => this.condition(c, `${at}[${i}]`, ruleId)),
    ) as Condition[];
  }

  private condition(raw: unknown, at: string, ruleId: string | null): Condition {
    const fields = this.object(raw, at, ruleId, CONDITION_KEYS);
    if (fields === undefined) return undefined as unknown as Condition;
    const copy: Fields = {};
    copy.path = this.path(fields, at, ruleId);
    let operator: Operator | undefined;
    if (!has(fields, 'operator')) {
      this.report(ruleId, `${at}.operator`, 'missing_field', 'operator is required');
    } else if (typeof fields.operator !== 'string') {
      this.report(ruleId, `${at}.operator`, 'invalid_type', 'operator must be a string');
    } else if (!(OPERATORS as readonly string[]).includes(fields.operator)) {
      this.report(ruleId, `${at}.operator`, 'unknown_operator', `unknown operator "${fields.operator}"`);
    } else {
      operator = fields.operator as Operator;
    }
    copy.operator = fields.operator;
    const valueless = operator !== undefined && VALUELESS_OPERATORS.includes(operator);
    if (!has(fields, 'value')) {
      if (operator !== undefined && !valueless) {
        this.report(ruleId, `${at}.value`, 'missing_field', `operator "${operator}" needs a value`);
      }
      return Object.freeze(copy) as unknown as Condition;
    }
    if (valueless) {
      this.report(ruleId, `${at}.value`, 'unexpected_value', `operator "${operator}" takes no value`);
    }
    const before = this.problems.length;
    copy.value = copyJsonValue(fields.value, `${at}.value`, (path, code, message) =>
      this.report(ruleId, path, code, message),
    );
    if (operator !== undefined && !valueless && this.problems.length === before) {
      this.operand(operator, copy.value as JsonValue, `${at}.value`, ruleId);
    }
    if (copy.path === 'tool' && operator !== undefined && this.problems.length === before) {
      this.toolOperand(operator, copy.value as JsonValue, `${at}.value`, ruleId);
    }
    return Object.freeze(copy) as unknown as Condition;
  }

  /** A value of the wrong kind would make the condition constant, so it is rejected at load time. */
  private operand(operator: Operator, value: JsonValue, at: string, ruleId: string | null): void {
    if ((operator === 'in' || operator === 'not_in') && !Array.isArray(value)) {
      this.report(ruleId, at, 'invalid_value', `operator "${operator}" needs an array value`);
    } else if (STRING_OPERATORS.includes(operator) && typeof value !== 'string') {
      this.report(ruleId, at, 'invalid_value', `operator "${operator}" needs a string value`);
    } else if (
      ORDERING_OPERATORS.includes(operator) &&
      typeof value !== 'number' &&
      typeof value !== 'string'
    ) {
      this.report(ruleId, at, 'invalid_value', `operator "${operator}" needs a number or a string value`);
    } else if (operator === 'type' && !(JSON_TYPES as readonly JsonValue[]).includes(value)) {
      this.report(ruleId, at, 'invalid_value', `operator "type" needs one of: ${JSON_TYPES.join(', ')}`);
    } else if (operator === 'path_within' && typeof value === 'string') {
      const problem = pathWithinValueProblem(value);
      if (problem) this.report(ruleId, at, 'invalid_value', problem);
    }
  }

  /**
   * A tool condition naming something no tool can be called could never hold, or could
   * hold for the wrong tool: an invalid name or glob is a load error.
   */
  private toolOperand(operator: Operator, value: JsonValue, at: string, ruleId: string | null): void {
    if (operator === 'glob' && typeof value === 'string') {
      const problem = toolGlobProblem(value);
      if (problem) this.report(ruleId, at, 'invalid_value', problem);
    } else if ((operator === '==' || operator === '!=') && typeof value === 'string' && !isToolName(value)) {
      this.report(
        ruleId,
        at,
        'invalid_value',
        `"${value}" is not a tool name (dot-separated [A-Za-z0-9_-]+)`,
      );
    } else if ((operator === 'in' || operator === 'not_in') && Array.isArray(value)) {
      value.forEach((name, i) => {
        if (typeof name === 'string' && !isToolName(name)) {
          this.report(
            ruleId,
            `${at}[${i}]`,
            'invalid_value',
            `"${name}" is not a tool name (dot-separated [A-Za-z0-9_-]+)`,
          );
        }
      });
    }
  }

  private path(fields: Fields, at: string, ruleId: string | null): string | undefined {
    if (!has(fields, 'path')) {
      this.report(ruleId, `${at}.path`, 'missing_field', 'path is required');
      return undefined;
    }
    const path = fields.path;
    if (typeof path !== 'string') {
      this.report(ruleId, `${at}.path`, 'invalid_type', 'path must be a dotted string');
      return undefined;
    }
    this.wellFormed(path, `${at}.path`, ruleId);
    const segments = path.split('.');
    if (segments.some((segment) => segment.length === 0)) {
      this.report(ruleId, `${at}.path`, 'empty_path_segment', `path "${path}" has an empty segment`);
    } else if (!(PATH_ROOTS as readonly string[]).includes(segments[0] as string)) {
      this.report(
        ruleId,
        `${at}.path`,
        'bad_path_root',
        `path "${path}" must start with one of ${PATH_ROOTS.join(', ')}`,
      );
    }
    return path;
  }

  private wellFormed(text: string, at: string, ruleId: string | null): void {
    checkWellFormed(text, at, (path, code, message) => this.report(ruleId, path, code, message));
  }

  private version(fields: Fields): number | undefined {
    if (!has(fields, 'version')) {
      this.report(null, 'version', 'missing_field', 'version is required');
      return undefined;
    }
    const version = fields.version;
    if (typeof version !== 'number') {
      this.report(null, 'version', 'invalid_type', 'version must be an integer');
    } else if (!Number.isSafeInteger(version)) {
      this.report(null, 'version', 'unsafe_number', 'version must be a safe integer');
    } else if (version < 1) {
      this.report(null, 'version', 'invalid_value', 'version must be at least 1');
    }
    return version as number;
  }

  private decision(fields: Fields, at: string, ruleId: string | null): unknown {
    const where = `${at}.decision`;
    if (!has(fields, 'decision')) this.report(ruleId, where, 'missing_field', 'decision is required');
    else if (!(DECISIONS as readonly unknown[]).includes(fields.decision)) {
      this.report(ruleId, where, 'invalid_decision', `decision must be one of ${DECISIONS.join(', ')}`);
    }
    return fields.decision;
  }

  private reason(fields: Fields, at: string, ruleId: string | null, required = false): unknown {
    const where = `${at}.reason`;
    if (!has(fields, 'reason')) {
      if (required) this.report(ruleId, where, 'missing_field', 'reason is required');
    } else if (typeof fields.reason !== 'string' || !REASON_CODE_PATTERN.test(fields.reason)) {
      this.report(
        ruleId,
        where,
        'invalid_reason',
        'reason must be a dotted lowercase code, e.g. refund.too_large',
      );
    }
    return fields.reason;
  }

  private riskTier(fields: Fields, at: string, ruleId: string | null): unknown {
    if (!(RISK_TIERS as readonly unknown[]).includes(fields.risk_tier)) {
      this.report(
        ruleId,
        `${at}.risk_tier`,
        'invalid_risk_tier',
        `risk_tier must be one of ${RISK_TIERS.join(', ')}`,
      );
    }
    return fields.risk_tier;
  }

  private nonEmptyString(
    fields: Fields,
    key: string,
    prefix: string,
    ruleId: string | null,
    required: boolean,
  ) {
    if (!has(fields, key)) {
      if (required) this.report(ruleId, prefix + key, 'missing_field', `${key} is required`);
      return undefined;
    }
    const value = fields[key];
    if (typeof value !== 'string' || value.length === 0) {
      this.report(ruleId, prefix + key, 'invalid_type', `${key} must be a non-empty string`);
    } else {
      this.wellFormed(value, prefix + key, ruleId);
    }
    return value;
  }

  private optionalString(fields: Fields, key: string, prefix: string, ruleId: string | null, into: Fields) {
    if (!has(fields, key)) return;
    const value = fields[key];
    if (typeof value !== 'string')
      this.report(ruleId, prefix + key, 'invalid_type', `${key} must be a string`);
    else this.wellFormed(value, prefix + key, ruleId);
    into[key] = fields[key];
  }

  /** Returns the object's fields if `raw` is a plain object, reporting each key outside `allowed`. */
  private object(
    raw: unknown,
    at: string,
    ruleId: string | null,
    allowed: readonly string[],
  ): Fields | undefined {
    if (!isPlainObject(raw)) {
      this.report(ruleId, at, 'invalid_type', 'expected an object');
      return undefined;
    }
    for (const key of Object.keys(raw)) {
      if (!allowed.includes(key)) {
        this.report(
          ruleId,
          at === '$' ? member('', key) : member(at, key),
          'unknown_key',
          `unknown key "${key}"`,
        );
      }
    }
    return raw;
  }

  private report(ruleId: string | null, path: string, code: ProblemCode, message: string): void {
    this.problems.push({ rule_id: ruleId, path, code, message });
  }
}

function has(fields: object, key: string): boolean {
  return Object.hasOwn(fields, key);
}
