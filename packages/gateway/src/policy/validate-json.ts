import { MAX_VALUE_DEPTH } from './constants.js';
import type { JsonValue, ProblemCode } from './types.js';

/** Receives one problem at a JSON path; the caller adds the rule id. */
export type Report = (path: string, code: ProblemCode, message: string) => void;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// In unicode mode a well-formed pair is one code point outside this range, so only lone halves match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/**
 * Deep-copies (and freezes) a value that must be JSON, reporting every part that is not: non-JSON
 * types, array holes, cycles, nesting past MAX_VALUE_DEPTH, numbers that are not safe integers, and
 * strings with unpaired surrogates (which have no canonical form to hash). Never throws.
 */
export function copyJsonValue(raw: unknown, at: string, report: Report): JsonValue {
  return copy(raw, at, report, 0, new Set());
}

function copy(raw: unknown, at: string, report: Report, depth: number, open: Set<object>): JsonValue {
  if (raw === null || typeof raw === 'boolean') return raw;
  if (typeof raw === 'string') {
    checkWellFormed(raw, at, report);
    return raw;
  }
  if (typeof raw === 'number') {
    if (!Number.isSafeInteger(raw))
      report(at, 'unsafe_number', `${raw} is not a safe integer (use integer minor units)`);
    return raw;
  }
  const isArray = Array.isArray(raw);
  if (!isArray && !isPlainObject(raw)) {
    report(at, 'not_json', 'value is not a JSON value');
    return null;
  }
  if (depth >= MAX_VALUE_DEPTH || open.has(raw)) {
    report(at, 'invalid_value', `value is cyclic or nested deeper than ${MAX_VALUE_DEPTH}`);
    return null;
  }
  open.add(raw);
  let result: JsonValue;
  if (isArray) {
    result = Array.from({ length: raw.length }, (_, i) => {
      if (Object.hasOwn(raw, i)) return copy(raw[i], `${at}[${i}]`, report, depth + 1, open);
      report(`${at}[${i}]`, 'not_json', 'arrays must not have holes');
      return null;
    });
  } else {
    const members: Record<string, JsonValue> = {};
    for (const key of Object.keys(raw)) {
      checkWellFormed(key, memberPath(at, key), report);
      const value = copy(raw[key], memberPath(at, key), report, depth + 1, open);
      // defineProperty, not assignment: a `__proto__` member must stay an ordinary member.
      Object.defineProperty(members, key, { value, enumerable: true });
    }
    result = members;
  }
  open.delete(raw);
  return Object.freeze(result) as JsonValue;
}

export function checkWellFormed(text: string, at: string, report: Report): void {
  if (LONE_SURROGATE.test(text)) report(at, 'not_json', 'string contains an unpaired surrogate');
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** `base.key`, or `base["odd key"]` when the key is not an identifier. */
export function memberPath(base: string, key: string): string {
  if (IDENTIFIER.test(key)) return base === '' ? key : `${base}.${key}`;
  return `${base}[${JSON.stringify(key)}]`;
}
