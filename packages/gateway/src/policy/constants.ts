import type { DecisionValue, Operator, PathRoot, RiskTier } from './types.js';

export const DECISIONS: readonly DecisionValue[] = [
  'allow',
  'deny',
  'require_approval',
  'require_tool_reapproval',
  'warn',
];

export const RISK_TIERS: readonly RiskTier[] = ['low', 'medium', 'high', 'critical'];

export const OPERATORS: readonly Operator[] = [
  '==',
  '!=',
  '>',
  '>=',
  '<',
  '<=',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'ends_with',
  'glob',
  'exists',
  'missing',
  'type',
  'path_within',
];

/**
 * What the `type` operator can test for. `integer` is a number with no fractional part within
 * ±(2^53−1) (JSON cannot tell `5` from `5.0`, so neither can a policy); `number` is any finite number,
 * integers included; `object` excludes arrays and null.
 */
export const JSON_TYPES = ['null', 'boolean', 'number', 'integer', 'string', 'array', 'object'] as const;

/** Operators that test presence only and therefore take no `value`. */
export const VALUELESS_OPERATORS: readonly Operator[] = ['exists', 'missing'];

export const PATH_ROOTS: readonly PathRoot[] = [
  'tool',
  'resource',
  'goal',
  'agent_id',
  'user_id',
  'mode',
  'args',
  'context',
  'passport',
];

/** The reason a policy answers with when no rule matched. */
export const NO_MATCH_REASON = 'policy.no_match';

/** The default of the default: what a policy without a `default` answers. Fails closed. */
export const DEFAULT_DECISION: DecisionValue = 'deny';

/**
 * The risk tier a rule or default gets when it names none. Chosen from the decision so that an
 * omitted tier never understates risk: anything that blocks an action is at least `high`.
 */
export const RISK_TIER_BY_DECISION: Readonly<Record<DecisionValue, RiskTier>> = {
  allow: 'low',
  warn: 'medium',
  require_approval: 'medium',
  require_tool_reapproval: 'medium',
  deny: 'high',
};

/**
 * The answer when the evaluator could not read its input (possible only in-process, e.g. a throwing
 * Proxy or getter; JSON from the wire never does this). It is neither the policy default (which may
 * allow) nor "skip the condition" (which would let a later, more permissive rule win).
 */
export const UNREADABLE_INPUT_REASON = 'request.invalid';
export const UNREADABLE_INPUT_RISK_TIER: RiskTier = 'high';

/** What a rate limit or budget may be counted per (the default is per agent). */
export const LIMIT_PER_KEYS = ['agent_id', 'user_id', 'tool'] as const;
/** The longest limit window: 31 days (a monthly budget). */
export const LIMIT_MAX_WINDOW_SECONDS = 31 * 24 * 60 * 60;

/** Reason codes are dotted lowercase, e.g. `refund.small_in_scope`. */
export const REASON_CODE_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;

/** Nesting limit for condition values; keeps validation recursion bounded. */
export const MAX_VALUE_DEPTH = 64;
