import type { JsonValue } from './types.js';

/**
 * Reading evaluation inputs. Only own data properties are read: inherited names such as `__proto__`
 * or `constructor` are missing, and getters are never invoked.
 */

/** Result of a path lookup; `MISSING` marks a path that does not resolve. */
export const MISSING: unique symbol = Symbol('missing');
export type Resolved = unknown | typeof MISSING;

export function ownValue(container: unknown, key: string): Resolved {
  if (typeof container !== 'object' || container === null) return MISSING;
  if (Array.isArray(container)) {
    if (!isArrayIndex(key)) return MISSING;
  }
  const descriptor = Object.getOwnPropertyDescriptor(container, key);
  if (descriptor === undefined || !('value' in descriptor) || descriptor.value === undefined) return MISSING;
  return descriptor.value;
}

export function resolvePath(root: unknown, segments: readonly string[]): Resolved {
  let current: unknown = root;
  for (const segment of segments) {
    current = ownValue(current, segment);
    if (current === MISSING) return MISSING;
  }
  return current;
}

function isArrayIndex(key: string): boolean {
  if (key === '0') return true;
  if (key.length === 0 || key.length > 15) return false;
  const first = key.charCodeAt(0);
  if (first < 0x31 || first > 0x39) return false;
  for (let i = 1; i < key.length; i += 1) {
    const c = key.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
}

/**
 * Structural equality between a policy value (finite, acyclic JSON) and an input value. No coercion:
 * `1` and `"1"` differ, object member order does not matter, array order does. Recursion follows the
 * policy value, so it terminates even if the input is cyclic.
 */
export function jsonEquals(expected: JsonValue, actual: unknown): boolean {
  if (expected === null || typeof expected !== 'object') return expected === actual;
  if (typeof actual !== 'object' || actual === null) return false;
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) || actual.length !== expected.length) return false;
    for (let i = 0; i < expected.length; i += 1) {
      const element = ownValue(actual, String(i));
      if (element === MISSING || !jsonEquals(expected[i] as JsonValue, element)) return false;
    }
    return true;
  }
  if (Array.isArray(actual)) return false;
  const keys = Object.keys(expected);
  if (Object.keys(actual).length !== keys.length) return false;
  for (const key of keys) {
    const member = ownValue(actual, key);
    if (member === MISSING || !jsonEquals(expected[key] as JsonValue, member)) return false;
  }
  return true;
}
