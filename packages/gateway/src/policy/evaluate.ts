import { PATH_ROOTS, UNREADABLE_INPUT_REASON, UNREADABLE_INPUT_RISK_TIER } from './constants.js';
import { MISSING, ownValue, resolvePath } from './json.js';
import { candidateRules } from './tool-index.js';
import type {
  CompiledCondition,
  CompiledPolicy,
  CompiledRule,
  EvaluateOptions,
  PolicyInput,
  PolicyOutcome,
  TraceEntry,
} from './types.js';

/**
 * Decides one action: the first rule (in policy order) whose conditions hold wins; no match answers
 * the policy default. Walks only the rules that can apply to the action's tool (see tool-index.ts).
 *
 * Never throws. Every operator is total over JSON, so for JSON input there is nothing to catch. The
 * guard exists for in-process callers handing over objects that throw when read (a Proxy); such input
 * is denied with `request.invalid` rather than answered with the default (which may allow) or by
 * skipping the condition (which would let a later, more permissive rule win).
 */
export function evaluate(
  policy: CompiledPolicy,
  input: PolicyInput,
  options: EvaluateOptions = {},
): PolicyOutcome {
  const trace: TraceEntry[] | undefined = options.trace ? [] : undefined;
  try {
    const reader = new InputReader(input);
    return decide(
      policy,
      reader,
      candidateRules(policy.index, reader.root(TOOL_ROOT)),
      trace,
      options.limitReached,
    );
  } catch {
    return unreadable(trace);
  }
}

/** The same decision by a plain scan of every rule; the reference the indexed path is tested against. */
export function evaluateLinear(
  policy: CompiledPolicy,
  input: PolicyInput,
  options: EvaluateOptions = {},
): PolicyOutcome {
  const trace: TraceEntry[] | undefined = options.trace ? [] : undefined;
  try {
    return decide(
      policy,
      new InputReader(input),
      Array.from(policy.rules.keys()),
      trace,
      options.limitReached,
    );
  } catch {
    return unreadable(trace);
  }
}

const UNREAD: unique symbol = Symbol('unread');
const TOOL_ROOT = PATH_ROOTS.indexOf('tool');

/** Reads each root of the input at most once per evaluation; rules tend to share roots. */
class InputReader {
  private readonly roots: unknown[] = new Array(PATH_ROOTS.length).fill(UNREAD);

  constructor(private readonly input: unknown) {}

  root(index: number): unknown {
    let value = this.roots[index];
    if (value === UNREAD) {
      value = ownValue(this.input, PATH_ROOTS[index] as string);
      this.roots[index] = value;
    }
    return value;
  }
}

function decide(
  policy: CompiledPolicy,
  reader: InputReader,
  candidates: readonly number[],
  trace: TraceEntry[] | undefined,
  limitReached: EvaluateOptions['limitReached'],
): PolicyOutcome {
  for (let c = 0; c < candidates.length; c += 1) {
    const rule = policy.rules[candidates[c] as number] as CompiledRule;
    // A limited rule answers only once its limit is reached; below it, the next rule decides.
    if (matches(rule, reader, trace) && (rule.limit === null || limitReached?.(rule) === true)) {
      return withTrace(
        {
          decision: rule.decision,
          reason_code: rule.reason_code,
          risk_tier: rule.risk_tier,
          matched_rule: rule.id,
        },
        trace,
      );
    }
  }
  return withTrace({ ...policy.fallback }, trace);
}

function matches(rule: CompiledRule, reader: InputReader, trace: TraceEntry[] | undefined): boolean {
  for (let i = 0; i < rule.when.length; i += 1) {
    if (!holds(rule.when[i] as CompiledCondition, reader, trace, rule.id, 'when', i)) return false;
  }
  if (rule.any === null) return true;
  for (let i = 0; i < rule.any.length; i += 1) {
    if (holds(rule.any[i] as CompiledCondition, reader, trace, rule.id, 'any', i)) return true;
  }
  return false;
}

function holds(
  condition: CompiledCondition,
  reader: InputReader,
  trace: TraceEntry[] | undefined,
  ruleId: string,
  kind: 'when' | 'any',
  index: number,
): boolean {
  const rootValue = reader.root(condition.rootIndex);
  const actual =
    rootValue === MISSING || condition.segments.length === 0
      ? rootValue
      : resolvePath(rootValue, condition.segments);
  const present = actual !== MISSING;
  const held = condition.test(present ? actual : undefined, present);
  if (trace !== undefined) {
    const { path, operator, value } = condition.source;
    const entry: TraceEntry = { rule_id: ruleId, index, kind, path, operator, held };
    if (value !== undefined) entry.value = value;
    if (present) entry.actual = actual;
    trace.push(entry);
  }
  return held;
}

function withTrace(outcome: PolicyOutcome, trace: TraceEntry[] | undefined): PolicyOutcome {
  if (trace !== undefined) outcome.trace = trace;
  return outcome;
}

function unreadable(trace: TraceEntry[] | undefined): PolicyOutcome {
  return withTrace(
    {
      decision: 'deny',
      reason_code: UNREADABLE_INPUT_REASON,
      risk_tier: UNREADABLE_INPUT_RISK_TIER,
      matched_rule: null,
    },
    trace,
  );
}
