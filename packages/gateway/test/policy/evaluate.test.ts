import { describe, expect, it } from 'vitest';
import { evaluate, evaluateLinear, loadPolicy, type PolicyInput } from '../../src/policy/index.js';

const input = (over: Partial<PolicyInput> = {}): PolicyInput => ({
  tool: 'stripe.refund.create',
  goal: 'refund order 42',
  mode: 'enforce',
  args: {},
  context: {},
  ...over,
});

const refunds = loadPolicy({
  id: 'refunds',
  version: 3,
  rules: [
    {
      id: 'small',
      when: [
        { path: 'tool', operator: '==', value: 'stripe.refund.create' },
        { path: 'args.amount', operator: '<=', value: 10000 },
      ],
      decision: 'allow',
      reason: 'refund.small_in_scope',
    },
    {
      id: 'untrusted',
      any: [
        { path: 'context.source', operator: '==', value: 'untrusted' },
        { path: 'context.flags', operator: 'contains', value: 'injected' },
      ],
      decision: 'deny',
      reason: 'refund.untrusted',
      risk_tier: 'critical',
    },
  ],
});

describe('evaluate', () => {
  it('records each evaluated condition in the trace, stopping where evaluation stopped', () => {
    const outcome = evaluate(refunds, input({ args: { amount: 20000 }, context: { flags: ['injected'] } }), {
      trace: true,
    });
    expect(outcome.matched_rule).toBe('untrusted');
    expect(outcome.trace).toEqual([
      {
        rule_id: 'small',
        index: 0,
        kind: 'when',
        path: 'tool',
        operator: '==',
        value: 'stripe.refund.create',
        actual: 'stripe.refund.create',
        held: true,
      },
      {
        rule_id: 'small',
        index: 1,
        kind: 'when',
        path: 'args.amount',
        operator: '<=',
        value: 10000,
        actual: 20000,
        held: false,
      },
      {
        rule_id: 'untrusted',
        index: 0,
        kind: 'any',
        path: 'context.source',
        operator: '==',
        value: 'untrusted',
        held: false,
      },
      {
        rule_id: 'untrusted',
        index: 1,
        kind: 'any',
        path: 'context.flags',
        operator: 'contains',
        value: 'injected',
        actual: ['injected'],
        held: true,
      },
    ]);
  });

  it('leaves the trace out unless asked', () => {
    expect(evaluate(refunds, input({ args: { amount: 1 } }))).toEqual({
      decision: 'allow',
      reason_code: 'refund.small_in_scope',
      risk_tier: 'low',
      matched_rule: 'small',
    });
  });

  it('returns a fresh outcome each time, so callers cannot corrupt the default', () => {
    const first = evaluate(refunds, input({ tool: 'other' }));
    first.decision = 'allow';
    expect(evaluate(refunds, input({ tool: 'other' })).decision).toBe('deny');
  });

  it('never invokes getters on the input', () => {
    let reads = 0;
    const args = {};
    Object.defineProperty(args, 'amount', { enumerable: true, get: () => (reads += 1) });
    const outcome = evaluate(refunds, input({ args: args as PolicyInput['args'] }));
    expect(reads).toBe(0);
    expect(outcome.matched_rule).toBeNull();
  });

  it('reads only own members: inherited names are missing', () => {
    const policy = loadPolicy({
      id: 'p',
      version: 1,
      rules: [
        {
          id: 'r',
          when: [{ path: 'args.polluted', operator: 'exists' }],
          decision: 'allow',
          reason: 'test.x',
        },
      ],
    });
    const args = Object.create({ polluted: true }) as PolicyInput['args'];
    expect(evaluate(policy, input({ args })).matched_rule).toBeNull();
  });

  it('fails closed with request.invalid when the input cannot be read, instead of throwing', () => {
    const hostile = new Proxy(
      {},
      {
        getOwnPropertyDescriptor() {
          throw new Error('boom');
        },
      },
    ) as PolicyInput;
    // Were the unreadable condition skipped, the permissive default would allow.
    const permissive = loadPolicy({
      id: 'p',
      version: 1,
      default: { decision: 'allow' },
      rules: [
        {
          id: 'block',
          when: [{ path: 'context.source', operator: '==', value: 'x' }],
          decision: 'deny',
          reason: 'test.x',
        },
      ],
    });
    for (const run of [evaluate, evaluateLinear]) {
      expect(run(permissive, hostile)).toEqual({
        decision: 'deny',
        reason_code: 'request.invalid',
        risk_tier: 'high',
        matched_rule: null,
      });
    }
  });

  it('treats a non-object input as having every path missing', () => {
    const policy = loadPolicy({
      id: 'p',
      version: 1,
      rules: [
        {
          id: 'no-tool',
          when: [{ path: 'tool', operator: 'missing' }],
          decision: 'deny',
          reason: 'test.no_tool',
        },
      ],
    });
    expect(evaluate(policy, null as unknown as PolicyInput).matched_rule).toBe('no-tool');
  });

  it('terminates on cyclic input: equality follows the finite policy value', () => {
    const policy = loadPolicy({
      id: 'p',
      version: 1,
      rules: [
        {
          id: 'r',
          when: [{ path: 'args.node', operator: '==', value: { next: { next: {} } } }],
          decision: 'allow',
          reason: 'test.x',
        },
      ],
    });
    const node: Record<string, unknown> = {};
    node.next = node;
    expect(evaluate(policy, input({ args: { node } as PolicyInput['args'] })).matched_rule).toBeNull();
  });
});
