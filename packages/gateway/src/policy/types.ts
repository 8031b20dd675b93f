/** A JSON value as it appears in a policy or an evaluation input. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export type DecisionValue = 'allow' | 'deny' | 'require_approval' | 'require_tool_reapproval' | 'warn';
export type RiskTier = 'low' | 'medium' | 'high' | 'critical';

export type Operator =
  | '=='
  | '!='
  | '>'
  | '>='
  | '<'
  | '<='
  | 'in'
  | 'not_in'
  | 'contains'
  | 'starts_with'
  | 'ends_with'
  | 'glob'
  | 'exists'
  | 'missing'
  | 'type'
  | 'path_within';

/** The roots a condition path may start from. */
export type PathRoot =
  | 'tool'
  | 'resource'
  | 'goal'
  | 'agent_id'
  | 'user_id'
  | 'mode'
  | 'args'
  | 'context'
  | 'passport';

/** `value` is absent for `exists` / `missing` and required for every other operator. */
export interface Condition {
  path: string;
  operator: Operator;
  value?: JsonValue;
}

/** `per` defaults to `["agent_id"]`. Exactly one of `rate` and `budget`. */
export type RuleLimit = (
  | { rate: { max: number; window_seconds: number }; budget?: never }
  | { budget: { arg: string; max: number; window_seconds: number }; rate?: never }
) & { per?: ReadonlyArray<'agent_id' | 'user_id' | 'tool'> };

export interface Rule {
  id: string;
  description?: string;
  when?: Condition[];
  any?: Condition[];
  /** The rule matches only once this limit is reached (see limit.ts). */
  limit?: RuleLimit;
  decision: DecisionValue;
  reason: string;
  risk_tier?: RiskTier;
}

export interface PolicyDefault {
  decision: DecisionValue;
  reason?: string;
  risk_tier?: RiskTier;
}

/** A policy as written (JSON). `compilePolicy` turns it into a `CompiledPolicy`. */
export interface Policy {
  id: string;
  version: number;
  description?: string;
  default?: PolicyDefault;
  rules: Rule[];
}

/** What the evaluator decides about. `passport` holds verified claims only, never a raw token. */
export interface PolicyInput {
  tool: string;
  resource?: string;
  goal: string;
  agent_id?: string;
  user_id?: string;
  mode: string;
  args: JsonObject;
  context: JsonObject;
  passport?: JsonObject;
}

/** One evaluated condition. `actual` is absent when the path is missing. */
export interface TraceEntry {
  rule_id: string;
  /** position of the condition inside its `when` or `any` list */
  index: number;
  kind: 'when' | 'any';
  path: string;
  operator: Operator;
  value?: JsonValue;
  actual?: unknown;
  held: boolean;
}

export interface PolicyOutcome {
  decision: DecisionValue;
  reason_code: string;
  risk_tier: RiskTier;
  /** id of the winning rule; null when the default answered */
  matched_rule: string | null;
  trace?: TraceEntry[];
}

export interface EvaluateOptions {
  trace?: boolean;
  /**
   * Asked for each rule with a `limit` whose conditions hold: true when this action would pass the
   * limit (the rule then matches). Without it no limit is ever reached (what-ifs and policy tests).
   */
  limitReached?: (rule: CompiledRule) => boolean;
}

export type ProblemCode =
  | 'invalid_type'
  | 'missing_field'
  | 'unknown_key'
  | 'unknown_operator'
  | 'bad_path_root'
  | 'empty_path_segment'
  | 'duplicate_rule_id'
  | 'unsafe_number'
  | 'not_json'
  | 'invalid_value'
  | 'unexpected_value'
  | 'invalid_decision'
  | 'invalid_risk_tier'
  | 'invalid_reason';

/** One thing wrong with a policy. `rule_id` is null outside rules or when the rule has no usable id. */
export interface PolicyProblem {
  rule_id: string | null;
  /** JSON path into the policy, e.g. `rules[3].when[0].operator` */
  path: string;
  code: ProblemCode;
  message: string;
}

/** A condition prepared for evaluation: the path is split once, the test is bound once. */
export interface CompiledCondition {
  readonly source: Condition;
  readonly root: PathRoot;
  /** position of `root` in PATH_ROOTS, so an evaluation reads each root at most once */
  readonly rootIndex: number;
  readonly segments: readonly string[];
  readonly test: (actual: unknown, present: boolean) => boolean;
}

export interface CompiledRule {
  readonly id: string;
  readonly when: readonly CompiledCondition[];
  /** null when the rule has no `any` list */
  readonly any: readonly CompiledCondition[] | null;
  /** null when the rule has no limit */
  readonly limit: RuleLimit | null;
  readonly decision: DecisionValue;
  readonly reason_code: string;
  readonly risk_tier: RiskTier;
}

export interface ToolIndex {
  /** per exact tool name: indices of the rules that can apply to it, in policy order */
  readonly byTool: ReadonlyMap<string, readonly number[]>;
  /** indices of the rules not keyed to one tool, in policy order */
  readonly wildcard: readonly number[];
}

export interface CompiledPolicy {
  /** the validated policy, deep-copied and frozen; this is what gets hashed */
  readonly source: Readonly<Policy>;
  readonly id: string;
  readonly version: number;
  readonly rules: readonly CompiledRule[];
  readonly fallback: Readonly<Omit<PolicyOutcome, 'trace'>>;
  readonly index: ToolIndex;
}
