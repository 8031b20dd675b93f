import { describe, expect, it } from 'vitest';
import { schemaProblem } from '../../src/adapters/schema-check.js';

const refund = {
  type: 'object',
  properties: {
    charge: { type: 'string' },
    amount: { type: 'integer' },
    currency: { anyOf: [{ type: 'string', enum: ['usd', 'eur'] }, { type: 'null' }] },
    tags: { type: 'array', items: { type: 'string' } },
  },
  required: ['charge', 'amount'],
  additionalProperties: false,
};

describe('schemaProblem', () => {
  it('passes arguments that match', () => {
    expect(
      schemaProblem(refund, { charge: 'ch_1', amount: 4900, currency: null, tags: ['a'] }),
    ).toBeUndefined();
  });

  it.each([
    [{ charge: 'ch_1', amount: 'lots' }, 'arguments.amount: expected integer'],
    [{ charge: 'ch_1', amount: 1.5 }, 'arguments.amount: expected integer'],
    [{ charge: 'ch_1' }, 'arguments.amount: required'],
    [{ charge: 'ch_1', amount: 1, extra: 1 }, 'arguments.extra: not an allowed property'],
    [
      { charge: 'ch_1', amount: 1, currency: 'gbp' },
      'arguments.currency: matches none of the allowed shapes',
    ],
    [{ charge: 'ch_1', amount: 1, tags: ['a', 2] }, 'arguments.tags[1]: expected string'],
    [[], 'arguments: expected object'],
  ])('names the field of %j', (value, problem) => {
    expect(schemaProblem(refund, value)).toBe(problem);
  });

  it('a hostile key is an unknown property, not a prototype lookup', () => {
    const value = JSON.parse('{"charge":"c","amount":1,"__proto__":{"amount":"x"}}');
    expect(schemaProblem(refund, value)).toBe('arguments.__proto__: not an allowed property');
    expect(schemaProblem({ type: 'object', properties: {} }, { constructor: 1 })).toBeUndefined();
    expect(schemaProblem({ type: 'object', required: ['toString'] }, {})).toBe(
      'arguments.toString: required',
    );
  });

  it('unknown keywords and absurd nesting pass to the framework rather than throw', () => {
    let deep: Record<string, unknown> = { type: 'object' };
    for (let i = 0; i < 100; i++) deep = { type: 'object', properties: { a: deep } };
    let value: Record<string, unknown> = {};
    for (let i = 0; i < 100; i++) value = { a: value };
    expect(() => schemaProblem(deep, value)).not.toThrow();
    expect(schemaProblem({ type: 'string', pattern: '^x$' }, 'y')).toBeUndefined();
    expect(schemaProblem(null, 1)).toBeUndefined();
  });
});
