import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { CanonicalJsonError, canonicalBytes, canonicalize } from '../../src/canonical/index.js';

function errorOf(run: () => unknown): CanonicalJsonError {
  try {
    run();
  } catch (error) {
    if (error instanceof CanonicalJsonError) return error;
    throw error;
  }
  throw new Error('expected a CanonicalJsonError');
}

describe('canonicalize', () => {
  test('sorts keys by UTF-16 code units, not code points or locale', () => {
    expect(canonicalize({ '\uffff': 1, '😀': 2, é: 3, e: 4, E: 5 })).toBe(
      '{"E":5,"e":4,"é":3,"😀":2,"\uffff":1}',
    );
  });

  test('formats numbers like Number.prototype.toString and maps -0 to 0', () => {
    expect(canonicalize([-0, 1e21, 1e20, 1e-7, 1e-6, 0.1 + 0.2, 5e-324, 2 ** 60])).toBe(
      '[0,1e+21,100000000000000000000,1e-7,0.000001,0.30000000000000004,5e-324,1152921504606847000]',
    );
  });

  test('escapes only quote, backslash and control characters', () => {
    expect(canonicalize('"\\/\u0000\u001f\b\t\n\f\r\u007f\u2028é😀')).toBe(
      '"\\"\\\\/\\u0000\\u001f\\b\\t\\n\\f\\r\u007f\u2028é😀"',
    );
  });

  test('accepts null-prototype objects and encodes UTF-8 bytes', () => {
    const value = Object.assign(Object.create(null) as Record<string, unknown>, { b: 'é', a: null });
    expect(canonicalize(value)).toBe('{"a":null,"b":"é"}');
    expect(Array.from(canonicalBytes({ k: 'é' }))).toEqual([
      0x7b, 0x22, 0x6b, 0x22, 0x3a, 0x22, 0xc3, 0xa9, 0x22, 0x7d,
    ]);
  });

  test('serializes shared (non-cyclic) references each time they appear', () => {
    const shared = { x: 1 };
    expect(canonicalize({ a: shared, b: [shared] })).toBe('{"a":{"x":1},"b":[{"x":1}]}');
  });

  test.each([
    ['NaN', { args: { amount: Number.NaN } }, 'non_finite_number', '$.args.amount'],
    ['Infinity', [1, [2, Number.POSITIVE_INFINITY]], 'non_finite_number', '$[1][1]'],
    ['undefined', { a: undefined }, 'unsupported_type', '$.a'],
    ['function', { f: () => 1 }, 'unsupported_type', '$.f'],
    ['symbol', [Symbol('s')], 'unsupported_type', '$[0]'],
    ['bigint', { n: 1n }, 'unsupported_type', '$.n'],
    ['Date', { when: new Date(0) }, 'unsupported_type', '$.when'],
    ['Map', { 'odd key': new Map() }, 'unsupported_type', '$["odd key"]'],
    ['array hole', { list: new Array(2) }, 'unsupported_type', '$.list[0]'],
    ['symbol key', { [Symbol('k')]: 1 }, 'unsupported_type', '$'],
    ['lone surrogate value', { s: '\ud800' }, 'lone_surrogate', '$.s'],
    ['lone surrogate key', { '\udc00': 1 }, 'lone_surrogate', '$["\\udc00"]'],
  ])('rejects %s and names the path', (_label, value, code, path) => {
    const error = errorOf(() => canonicalize(value));
    expect(error.code).toBe(code);
    expect(error.path).toBe(path);
    expect(error.message).toContain(` at ${path}`);
  });

  test('rejects cycles instead of overflowing the stack', () => {
    const node: Record<string, unknown> = { a: [] };
    (node.a as unknown[]).push(node);
    const error = errorOf(() => canonicalize(node));
    expect(error.code).toBe('cycle');
    expect(error.path).toBe('$.a[0]');
  });
});

// JSON values JS can represent faithfully: finite doubles, well-formed strings (fast-check's default
// string arbitrary can produce lone surrogates; 'binary' draws any code point but never a half pair).
const jsonValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.constant(null),
    fc.boolean(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ unit: 'binary' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary' }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

describe('canonicalize properties', () => {
  test('is a fixed point: canonicalize(parse(canonicalize(x))) === canonicalize(x)', () => {
    fc.assert(
      fc.property(jsonValue, (value) => {
        const canonical = canonicalize(value);
        expect(canonicalize(JSON.parse(canonical))).toBe(canonical);
      }),
    );
  });

  test('does not depend on key insertion order', () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary' }), jsonValue, { maxKeys: 8 }), (record) => {
        const reversed = Object.fromEntries(Object.entries(record).reverse());
        expect(canonicalize(reversed)).toBe(canonicalize(record));
      }),
    );
  });
});
