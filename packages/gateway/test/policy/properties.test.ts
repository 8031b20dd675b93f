import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CompiledPolicy,
  compilePolicy,
  evaluate,
  evaluateLinear,
  isToolName,
  type JsonValue,
  OPERATORS,
  type Operator,
  type PolicyInput,
  toolGlobProblem,
} from '../../src/policy/index.js';

// A deliberately small universe of tools, paths and values, so random rules and inputs collide often.
const TOOLS = ['pay.refund', 'shell.exec', 'mail.send', 'crm.update'];
const PATHS = ['tool', 'args.amount', 'args.to', 'args.tags', 'args.meta.kind', 'context.source', 'mode'];
const SCALARS: JsonValue[] = [
  0,
  1,
  50,
  -3,
  'a',
  'ab',
  'pay.refund',
  'shell.exec',
  '*',
  'p*',
  null,
  true,
  false,
];

const scalar = fc.constantFrom(...SCALARS);
const jsonValue: fc.Arbitrary<JsonValue> = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 3 }),
  fc.dictionary(fc.constantFrom('kind', 'n'), scalar, { maxKeys: 2 }),
);

function valueFor(operator: Operator): fc.Arbitrary<JsonValue | undefined> {
  switch (operator) {
    case 'exists':
    case 'missing':
      return fc.constant(undefined);
    case 'in':
    case 'not_in':
      return fc.array(jsonValue, { maxLength: 4 });
    case 'starts_with':
    case 'ends_with':
    case 'glob':
      return fc.constantFrom('', 'a', 'p', '*', 'p*', '*.exec', 'pay.refund', 's*l*');
    case 'type':
      return fc.constantFrom('null', 'boolean', 'number', 'integer', 'string', 'array', 'object');
    case 'path_within':
      return fc.constantFrom('/', '/srv', '/srv/a/', '.', 'src');
    case '>':
    case '>=':
    case '<':
    case '<=':
      return fc.constantFrom(0, 1, 50, 'a', 'm');
    default:
      return jsonValue;
  }
}

const condition = fc
  .constantFrom(...OPERATORS)
  .chain((operator) =>
    fc.record({
      // Bias towards `tool ==` so the exact-tool index has buckets to get wrong.
      path: operator === '==' ? fc.constantFrom('tool', 'tool', ...PATHS) : fc.constantFrom(...PATHS),
      value: operator === '==' ? fc.oneof(fc.constantFrom(...TOOLS), jsonValue) : valueFor(operator),
      operator: fc.constant(operator),
    }),
  )
  .filter((c) => !namesNoTool(c));

/** A `tool` condition on something that is not a tool name or glob is a load error. */
function namesNoTool(c: { path: string; operator: Operator; value: JsonValue | undefined }): boolean {
  if (c.path !== 'tool') return false;
  if (c.operator === 'glob') return typeof c.value === 'string' && toolGlobProblem(c.value) !== null;
  if (c.operator === '==' || c.operator === '!=') return typeof c.value === 'string' && !isToolName(c.value);
  if ((c.operator === 'in' || c.operator === 'not_in') && Array.isArray(c.value)) {
    return c.value.some((name) => typeof name === 'string' && !isToolName(name));
  }
  return false;
}

const rule = fc.record(
  {
    when: fc.array(condition, { maxLength: 3 }),
    any: fc.array(condition, { minLength: 1, maxLength: 2 }),
    decision: fc.constantFrom('allow', 'deny', 'require_approval', 'require_tool_reapproval', 'warn'),
  },
  { requiredKeys: ['decision'] },
);

const rawPolicy = fc.array(rule, { maxLength: 12 }).map((rules) => ({
  id: 'prop',
  version: 1,
  rules: rules.map((r, i) => ({ id: `r${i}`, reason: `prop.r${i}`, ...stripUndefinedValues(r) })),
}));

const input: fc.Arbitrary<PolicyInput> = fc.record({
  tool: fc.constantFrom(...TOOLS, 'other.tool'),
  goal: fc.constant('property'),
  mode: fc.constantFrom('enforce', 'monitor'),
  args: fc.record(
    {
      amount: jsonValue,
      to: jsonValue,
      tags: jsonValue,
      meta: fc.record({ kind: jsonValue }, { requiredKeys: [] }),
    },
    { requiredKeys: [] },
  ),
  context: fc.record({ source: fc.constantFrom('untrusted', 'user') }, { requiredKeys: [] }),
}) as fc.Arbitrary<PolicyInput>;

function stripUndefinedValues<T extends object>(rule: T): T {
  const copy = structuredClone(rule) as Record<string, unknown>;
  for (const kind of ['when', 'any']) {
    const list = copy[kind] as Record<string, unknown>[] | undefined;
    for (const c of list ?? []) if (c.value === undefined) delete c.value;
  }
  return copy as T;
}

function compiled(raw: unknown): CompiledPolicy {
  const result = compilePolicy(raw);
  if (!result.ok) throw new Error(`generator produced an invalid policy: ${JSON.stringify(result.problems)}`);
  return result.policy;
}

describe('policy evaluation properties', () => {
  it('the exact-tool index decides exactly as a linear scan', () => {
    fc.assert(
      fc.property(rawPolicy, fc.array(input, { minLength: 1, maxLength: 5 }), (raw, inputs) => {
        const policy = compiled(raw);
        for (const action of inputs) {
          expect(evaluate(policy, action)).toEqual(evaluateLinear(policy, action));
        }
      }),
      { numRuns: 500 },
    );
  });

  it('the generators reach both matched rules and the default', () => {
    let matched = 0;
    let defaulted = 0;
    fc.assert(
      fc.property(rawPolicy, input, (raw, action) => {
        if (evaluate(compiled(raw), action).matched_rule === null) defaulted += 1;
        else matched += 1;
      }),
      { numRuns: 300 },
    );
    expect(matched).toBeGreaterThan(30);
    expect(defaulted).toBeGreaterThan(30);
  });

  it('the same input always gets the same decision, traced or not', () => {
    fc.assert(
      fc.property(rawPolicy, input, (raw, action) => {
        const policy = compiled(raw);
        const first = evaluate(policy, action);
        expect(evaluate(policy, structuredClone(action))).toEqual(first);
        const { trace, ...traced } = evaluate(policy, action, { trace: true });
        expect(traced).toEqual(first);
        expect(Array.isArray(trace)).toBe(true);
      }),
    );
  });

  it('appending a rule after the winning rule changes nothing', () => {
    fc.assert(
      fc.property(rawPolicy, input, rule, (raw, action, extra) => {
        const before = evaluate(compiled(raw), action);
        fc.pre(before.matched_rule !== null);
        const appended = {
          ...raw,
          rules: [...raw.rules, { id: 'extra', reason: 'prop.extra', ...stripUndefinedValues(extra) }],
        };
        expect(evaluate(compiled(appended), action)).toEqual(before);
      }),
    );
  });

  it('a policy without rules answers its default', () => {
    fc.assert(
      fc.property(input, (action) => {
        expect(evaluate(compiled({ id: 'empty', version: 1, rules: [] }), action)).toEqual({
          decision: 'deny',
          reason_code: 'policy.no_match',
          risk_tier: 'high',
          matched_rule: null,
        });
        const withDefault = compiled({
          id: 'empty',
          version: 1,
          rules: [],
          default: { decision: 'warn', reason: 'prop.fallback' },
        });
        expect(evaluate(withDefault, action)).toEqual({
          decision: 'warn',
          reason_code: 'prop.fallback',
          risk_tier: 'medium',
          matched_rule: null,
        });
      }),
    );
  });
});
