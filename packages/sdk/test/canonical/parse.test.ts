import { describe, expect, test } from 'vitest';
import { CanonicalJsonError, parseJsonStrict } from '../../src/canonical/index.js';

function errorOf(text: string): CanonicalJsonError {
  try {
    parseJsonStrict(text);
  } catch (error) {
    if (error instanceof CanonicalJsonError) return error;
    throw error;
  }
  throw new Error('expected a CanonicalJsonError');
}

describe('parseJsonStrict', () => {
  test('parses what JSON.parse parses', () => {
    const text = ' {"a": [1, -0.5e3, true, false, null, "x\\u00e9\\n"], "b": {}} ';
    expect(parseJsonStrict(text)).toEqual(JSON.parse(text));
  });

  test('keeps "__proto__" as an own key, like JSON.parse', () => {
    const value = parseJsonStrict('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test('accepts the largest safe integers and any float literal', () => {
    expect(parseJsonStrict('[9007199254740991, -9007199254740991, 1e300]')).toEqual([
      9007199254740991, -9007199254740991, 1e300,
    ]);
  });

  test.each([
    ['{"a":1,"a":2}', 'duplicate_key', '$.a'],
    ['{"args":{"x":[{"k":1,"\\u006b":2}]}}', 'duplicate_key', '$.args.x[0].k'],
    ['{"args":{"amount":9007199254740992}}', 'unsafe_integer', '$.args.amount'],
    ['[0, -123456789012345678901234567890]', 'unsafe_integer', '$[1]'],
    ['{"a":[1,]}', 'invalid_json', '$.a[1]'],
    ['NaN', 'invalid_json', '$'],
    ['"\\x"', 'invalid_json', '$'],
  ])('rejects %s', (text, code, path) => {
    const error = errorOf(text);
    expect(error.code).toBe(code);
    expect(error.path).toBe(path);
  });

  test('reports the first problem in document order', () => {
    expect(errorOf('{"a":[9007199254740993],"a":1}').code).toBe('unsafe_integer');
    expect(errorOf('{"a":1,"a":[9007199254740993]}').code).toBe('duplicate_key');
  });
});

test('hostile nesting is an invalid_json error, not a stack overflow', () => {
  expect(errorOf('['.repeat(1_000_000)).code).toBe('invalid_json');
});
