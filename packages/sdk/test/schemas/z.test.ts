import { describe, expect, it } from 'vitest';
import * as z from '../../src/schemas/z.js';

const Item = z.object({
  id: z.string().check(z.regex(/^ev_[a-z0-9]+$/)),
  n: z.number(),
  tags: z.array(z.enum(['a', 'b'])),
  note: z.optional(z.string()),
  parent: z.nullable(z.string()),
  data: z.record(z.string(), z.unknown()),
  v: z.literal(1),
});
const ok = { id: 'ev_1', n: 1.5, tags: ['a'], parent: null, data: { x: [1] }, v: 1 };

function issue(value: unknown) {
  const result = Item.safeParse(value);
  return result.success ? undefined : result.error.issues[0];
}

describe('the response checker', () => {
  it('accepts a fitting value, unknown extra keys and an absent or undefined optional', () => {
    expect(Item.safeParse(ok)).toEqual({ success: true, data: ok });
    expect(issue({ ...ok, extra: true })).toBeUndefined();
    expect(issue({ ...ok, note: undefined })).toBeUndefined();
  });

  it.each([
    ['a missing required key', { ...ok, n: undefined }, ['n']],
    ['a pattern mismatch', { ...ok, id: 'ev_X' }, ['id']],
    ['a non-finite number', { ...ok, n: Number.POSITIVE_INFINITY }, ['n']],
    ['an enum outside the list, with its index', { ...ok, tags: ['a', 'c'] }, ['tags', 1]],
    ['null where nullable is not allowed', { ...ok, note: null }, ['note']],
    ['a wrong literal', { ...ok, v: 2 }, ['v']],
    ['an array where a record goes', { ...ok, data: [] }, ['data']],
    ['an array at the top', [ok], []],
  ])('rejects %s at its path', (_name, value, path) => {
    expect(issue(value)?.path).toEqual(path);
  });

  it('does not take an inherited member for a field', () => {
    const WithConstructor = z.object({ constructor: z.unknown() });
    expect(WithConstructor.safeParse({}).success).toBe(false);
    expect(WithConstructor.safeParse(Object.create({ constructor: 1 })).success).toBe(false);
  });
});
