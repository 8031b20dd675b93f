import { describe, expect, it } from 'vitest';
import { type Condition, findShadowedRules, loadPolicy } from '../../src/policy/index.js';

const c = (path: string, operator: string, value?: unknown): Condition =>
  (value === undefined ? { path, operator } : { path, operator, value }) as Condition;

function shadowed(rules: { when?: Condition[]; any?: Condition[] }[]) {
  const policy = loadPolicy({
    id: 'p',
    version: 1,
    rules: rules.map((r, i) => ({ id: `r${i}`, decision: 'allow', reason: `test.r${i}`, ...r })),
  });
  return findShadowedRules(policy).map((s) => [s.rule_id, s.shadowed_by]);
}

const isRefund = c('tool', '==', 'refund');
const small = c('args.amount', '<=', 10);

describe('findShadowedRules', () => {
  it('a rule without conditions shadows every later rule', () => {
    expect(shadowed([{}, { when: [isRefund] }, { any: [small] }])).toEqual([
      ['r1', 'r0'],
      ['r2', 'r0'],
    ]);
  });

  it('an earlier rule whose when is a subset shadows a later one', () => {
    expect(shadowed([{ when: [isRefund] }, { when: [small, c('tool', '==', 'refund')] }])).toEqual([
      ['r1', 'r0'],
    ]);
  });

  it('values are compared structurally', () => {
    expect(
      shadowed([
        { when: [c('args.o', '==', { a: 1, b: 2 })] },
        { when: [c('args.o', '==', { b: 2, a: 1 })] },
      ]),
    ).toEqual([['r1', 'r0']]);
  });

  it('an earlier any covers a later rule whose when includes one of its conditions', () => {
    expect(shadowed([{ any: [small, c('args.x', 'exists')] }, { when: [small, isRefund] }])).toEqual([
      ['r1', 'r0'],
    ]);
  });

  it("an earlier any covers a later any made only of the earlier any's conditions", () => {
    expect(
      shadowed([{ any: [small, c('args.x', 'exists')] }, { when: [isRefund], any: [c('args.x', 'exists')] }]),
    ).toEqual([['r1', 'r0']]);
  });

  it('reports nothing when the later rule can still win', () => {
    expect(shadowed([{ when: [isRefund, small] }, { when: [isRefund] }])).toEqual([]);
    expect(shadowed([{ when: [small] }, { when: [c('args.amount', '<=', 11)] }])).toEqual([]);
    expect(shadowed([{ when: [isRefund], any: [small] }, { when: [isRefund] }])).toEqual([]);
    expect(shadowed([{ any: [small] }, { any: [small, c('args.x', 'exists')] }])).toEqual([]);
  });

  it('names the first rule that shadows', () => {
    expect(shadowed([{ when: [isRefund] }, {}, { when: [isRefund, small] }])).toEqual([['r2', 'r0']]);
  });
});
