import { compileGlob, type GlobMatcher } from './glob.js';
import { jsonEquals } from './json.js';
import { compileResourceGlob, compileToolGlob } from './names.js';
import { bindPathWithin } from './path-within.js';
import type { JsonValue, Operator } from './types.js';

/**
 * Operator semantics. Every test is total: a missing path is false for every operator except
 * `missing`, a type mismatch is false, nothing is coerced. `value` has been checked by the compiler
 * (array for `in`/`not_in`, string for the string operators, number or string for ordering).
 */
export type ConditionTest = (actual: unknown, present: boolean) => boolean;

/**
 * `glob` follows the name rules of what it reads: tool-glob rules on the `tool` path,
 * resource-glob rules on `resource`, and elsewhere `*` matches any run of characters.
 */
export function globFor(path: string, pattern: string): GlobMatcher {
  if (path === 'tool') return compileToolGlob(pattern);
  if (path === 'resource') return compileResourceGlob(pattern);
  return compileGlob(pattern);
}

export function bindOperator(operator: Operator, value: JsonValue | undefined, path = ''): ConditionTest {
  switch (operator) {
    case 'exists':
      return (_actual, present) => present;
    case 'missing':
      return (_actual, present) => !present;
    case '==':
      return (actual, present) => present && jsonEquals(value as JsonValue, actual);
    case '!=':
      return (actual, present) => present && !jsonEquals(value as JsonValue, actual);
    case '>':
      return (actual, present) =>
        present && comparable(actual, value) && (actual as number) > (value as number);
    case '>=':
      return (actual, present) =>
        present && comparable(actual, value) && (actual as number) >= (value as number);
    case '<':
      return (actual, present) =>
        present && comparable(actual, value) && (actual as number) < (value as number);
    case '<=':
      return (actual, present) =>
        present && comparable(actual, value) && (actual as number) <= (value as number);
    case 'in':
      return (actual, present) => present && isMember(value as JsonValue[], actual);
    case 'not_in':
      return (actual, present) => present && !isMember(value as JsonValue[], actual);
    case 'contains':
      return (actual, present) => present && contains(actual, value as JsonValue);
    case 'starts_with':
      return (actual, present) => present && typeof actual === 'string' && actual.startsWith(value as string);
    case 'ends_with':
      return (actual, present) => present && typeof actual === 'string' && actual.endsWith(value as string);
    case 'type':
      return (actual, present) => present && hasJsonType(actual, value as string);
    case 'glob': {
      const matches = globFor(path, value as string);
      return (actual, present) => present && typeof actual === 'string' && matches(actual);
    }
    case 'path_within': {
      const within = bindPathWithin(value as string);
      return (actual, present) => present && within(actual);
    }
  }
}

/**
 * Ordering holds only between two numbers or two strings; strings compare by UTF-16 code units, which
 * is what JavaScript's relational operators do for two strings.
 */
function comparable(actual: unknown, value: unknown): boolean {
  const kind = typeof value;
  return (kind === 'number' || kind === 'string') && typeof actual === kind;
}

function isMember(candidates: readonly JsonValue[], actual: unknown): boolean {
  for (const candidate of candidates) {
    if (jsonEquals(candidate, actual)) return true;
  }
  return false;
}

/** A string contains a substring; an array contains an element (by structural equality). */
function contains(actual: unknown, value: JsonValue): boolean {
  if (typeof actual === 'string') return typeof value === 'string' && actual.includes(value);
  if (Array.isArray(actual)) {
    for (let i = 0; i < actual.length; i += 1) {
      const descriptor = Object.getOwnPropertyDescriptor(actual, i);
      if (descriptor !== undefined && 'value' in descriptor && jsonEquals(value, descriptor.value))
        return true;
    }
  }
  return false;
}

/** The `type` operator: JSON types, plus `integer` so amounts can be required whole. */
function hasJsonType(actual: unknown, type: string): boolean {
  switch (type) {
    case 'null':
      return actual === null;
    case 'boolean':
      return typeof actual === 'boolean';
    case 'number':
      return typeof actual === 'number' && Number.isFinite(actual);
    case 'integer':
      return Number.isSafeInteger(actual);
    case 'string':
      return typeof actual === 'string';
    case 'array':
      return Array.isArray(actual);
    case 'object':
      return typeof actual === 'object' && actual !== null && !Array.isArray(actual);
    default:
      return false;
  }
}
