import { describe, expect, it } from 'vitest';
import { compilePolicy, loadPolicy, PolicyError, type PolicyProblem } from '../../src/policy/index.js';

const rule = (extra: Record<string, unknown> = {}) => ({
  id: 'r1',
  decision: 'allow',
  reason: 'test.ok',
  ...extra,
});
const policy = (rules: unknown[], extra: Record<string, unknown> = {}) => ({
  id: 'p',
  version: 1,
  rules,
  ...extra,
});

function problems(raw: unknown): PolicyProblem[] {
  const result = compilePolicy(raw);
  if (result.ok) throw new Error('expected the policy to be rejected');
  return result.problems;
}

describe('compilePolicy', () => {
  it('compiles a valid policy and fills the defaults', () => {
    const result = compilePolicy(
      policy([rule({ when: [{ path: 'args.amount', operator: '<=', value: 10 }] })]),
    );
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.policy.id).toBe('p');
    expect(result.policy.version).toBe(1);
    expect(result.policy.fallback).toEqual({
      decision: 'deny',
      reason_code: 'policy.no_match',
      risk_tier: 'high',
      matched_rule: null,
    });
    expect(result.policy.rules[0]?.risk_tier).toBe('low');
  });

  it('keeps its own frozen copy: later edits to the raw object change nothing', () => {
    const raw = policy([rule({ when: [{ path: 'args.to', operator: 'in', value: ['a'] }] })]);
    const result = compilePolicy(raw);
    if (!result.ok) throw new Error('rejected');
    (raw.rules[0] as { when: { value: string[] }[] }).when[0]!.value.push('b');
    expect(result.policy.source.rules[0]?.when?.[0]?.value).toEqual(['a']);
    expect(Object.isFrozen(result.policy.source.rules[0]?.when?.[0]?.value)).toBe(true);
  });

  it('rejects values JSON cannot carry, naming where they are', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const found = problems(
      policy([
        rule({
          any: [
            { path: 'args.a', operator: '==', value: undefined },
            { path: 'args.b', operator: '==', value: () => 1 },
            { path: 'args.c', operator: '==', value: new Date(0) },
            { path: 'args.d', operator: '==', value: cyclic },
            { path: 'args.e', operator: '==', value: Number.NaN },
            { path: 'args.f', operator: '==', value: 'lone \ud800' },
          ],
        }),
      ]),
    );
    expect(found.map((p) => [p.path, p.code])).toEqual([
      ['rules[0].any[0].value', 'not_json'],
      ['rules[0].any[1].value', 'not_json'],
      ['rules[0].any[2].value', 'not_json'],
      ['rules[0].any[3].value.self', 'invalid_value'],
      ['rules[0].any[4].value', 'unsafe_number'],
      ['rules[0].any[5].value', 'not_json'],
    ]);
  });

  it('bounds the nesting depth of values', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i += 1) deep = [deep];
    const found = problems(policy([rule({ when: [{ path: 'args.a', operator: '==', value: deep }] })]));
    expect(found).toHaveLength(1);
    expect(found[0]?.code).toBe('invalid_value');
  });

  it('quotes member names that are not identifiers in problem paths', () => {
    const found = problems(
      policy([rule({ when: [{ path: 'args.a', operator: '==', value: { 'a b': 0.5 } }] })]),
    );
    expect(found.map((p) => p.path)).toEqual(['rules[0].when[0].value["a b"]']);
  });

  it('treats a __proto__ member in a value as data', () => {
    const value = JSON.parse('{"__proto__": {"x": 1}}');
    const result = compilePolicy(policy([rule({ when: [{ path: 'args.o', operator: '==', value }] })]));
    if (!result.ok) throw new Error('rejected');
    const copy = result.policy.source.rules[0]?.when?.[0]?.value as object;
    expect(Object.keys(copy)).toEqual(['__proto__']);
    expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
  });

  it('rejects a version below 1 and a non-integer type', () => {
    expect(problems({ id: 'p', version: 0, rules: [] })[0]).toMatchObject({
      path: 'version',
      code: 'invalid_value',
    });
    expect(problems({ id: 'p', version: '1', rules: [] })[0]).toMatchObject({
      path: 'version',
      code: 'invalid_type',
    });
  });

  it('names the rule in every problem inside it, and null outside rules', () => {
    const found = problems({ version: 1, rules: [rule({ id: 'refund-small', decision: 'yes' })] });
    expect(found).toEqual([
      expect.objectContaining({ rule_id: null, path: 'id', code: 'missing_field' }),
      expect.objectContaining({
        rule_id: 'refund-small',
        path: 'rules[0].decision',
        code: 'invalid_decision',
      }),
    ]);
  });
});

describe('loadPolicy', () => {
  it('returns the compiled policy when valid', () => {
    expect(loadPolicy(policy([rule()])).rules).toHaveLength(1);
  });

  it('throws a PolicyError carrying every problem', () => {
    let caught: unknown;
    try {
      loadPolicy(policy([rule({ id: 'x', reason: 'BAD' }), rule({ id: 'x' })]));
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(PolicyError);
    const error = caught as PolicyError;
    expect(error.code).toBe('policy.invalid');
    expect(error.problems.map((p) => p.code)).toEqual(['invalid_reason', 'duplicate_rule_id']);
    expect(error.message).toContain('rules[0].reason');
  });
});
