import { CanonicalJsonError, type PathSegment } from './errors.js';

// In unicode mode a well-formed surrogate pair is one code point outside this range,
// so the class only matches unpaired halves. (String#isWellFormed is too new for some edge runtimes.)
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

const encoder = new TextEncoder();

/**
 * RFC 8785 (JCS) canonical JSON text of `value`.
 *
 * Accepts only what JSON can express faithfully: null, booleans, finite numbers, well-formed strings,
 * arrays and plain objects. Anything else throws a {@link CanonicalJsonError} naming the JSON path,
 * because silently dropping or coercing a value (as JSON.stringify does) would sign something other
 * than what the caller meant.
 */
export function canonicalize(value: unknown): string {
  // Hashing every ledger event makes this hot: first try a walk that keeps no path or ancestor
  // bookkeeping, and only when it meets something JSON cannot express run the careful walk below,
  // which finds the same problem and names its path.
  const fast = serializeFast(value);
  if (fast !== undefined) return fast;
  try {
    return serialize(value, [], new Set());
  } catch (error) {
    // Stack exhaustion from extreme nesting; Python reports the same condition the same way.
    if (error instanceof RangeError) {
      throw new CanonicalJsonError('unsupported_type', 'value is nested too deeply', []);
    }
    throw error;
  }
}

/** UTF-8 bytes of {@link canonicalize}; this is what hashes and signatures cover. */
export function canonicalBytes(value: unknown): Uint8Array {
  return encoder.encode(canonicalize(value));
}

/** Canonical text, or undefined when the value holds anything the careful walk must explain. */
function serializeFast(value: unknown): string | undefined {
  try {
    return fastValue(value);
  } catch {
    // A marker throw, or stack exhaustion from a cycle or extreme nesting: the careful walk decides.
    return undefined;
  }
}

const NOT_PLAIN = Symbol('not plain JSON');

function fastValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      if (LONE_SURROGATE.test(value)) throw NOT_PLAIN;
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw NOT_PLAIN;
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      if (Array.isArray(value)) {
        let out = '[';
        for (let index = 0; index < value.length; index++) {
          if (index > 0) out += ',';
          out += fastValue(value[index]);
        }
        return `${out}]`;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null) throw NOT_PLAIN;
      if (Object.getOwnPropertySymbols(value).length > 0) throw NOT_PLAIN;
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record).sort();
      let out = '{';
      for (let index = 0; index < keys.length; index++) {
        const key = keys[index] as string;
        if (index > 0) out += ',';
        if (LONE_SURROGATE.test(key)) throw NOT_PLAIN;
        out += `${JSON.stringify(key)}:${fastValue(record[key])}`;
      }
      return `${out}}`;
    }
    default:
      throw NOT_PLAIN;
  }
}

function serialize(value: unknown, path: PathSegment[], ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
      return serializeString(value, path);
    case 'number':
      if (!Number.isFinite(value)) {
        throw new CanonicalJsonError('non_finite_number', `${value} has no JSON form`, path);
      }
      // JCS number formatting is ECMAScript Number::toString, which also maps -0 to "0".
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object':
      if (value === null) return 'null';
      return serializeContainer(value, path, ancestors);
    default:
      throw new CanonicalJsonError('unsupported_type', `${typeof value} is not a JSON value`, path);
  }
}

function serializeString(value: string, path: PathSegment[]): string {
  if (LONE_SURROGATE.test(value)) {
    throw new CanonicalJsonError('lone_surrogate', 'string contains an unpaired surrogate', path);
  }
  // For well-formed strings JSON.stringify's escaping is exactly the JCS escaping
  // (short forms for \b \t \n \f \r, lowercase \u00xx for other controls, nothing else).
  return JSON.stringify(value);
}

function serializeContainer(value: object, path: PathSegment[], ancestors: Set<object>): string {
  if (ancestors.has(value)) {
    throw new CanonicalJsonError('cycle', 'value refers to one of its own ancestors', path);
  }
  ancestors.add(value);
  const out = Array.isArray(value)
    ? serializeArray(value, path, ancestors)
    : serializeObject(value, path, ancestors);
  ancestors.delete(value);
  return out;
}

function serializeArray(value: readonly unknown[], path: PathSegment[], ancestors: Set<object>): string {
  // Plain concatenation: hashing the ledger canonicalizes every event, so this loop is hot.
  let out = '[';
  for (let index = 0; index < value.length; index++) {
    if (index > 0) out += ',';
    path.push(index);
    out += serialize(value[index], path, ancestors);
    path.pop();
  }
  return `${out}]`;
}

function serializeObject(value: object, path: PathSegment[], ancestors: Set<object>): string {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    const kind = (proto as { constructor?: { name?: string } }).constructor?.name ?? 'object';
    throw new CanonicalJsonError('unsupported_type', `${kind} is not a plain object`, path);
  }
  if (Object.getOwnPropertySymbols(value).length > 0) {
    throw new CanonicalJsonError('unsupported_type', 'symbol-keyed properties have no JSON form', path);
  }
  const record = value as Record<string, unknown>;
  // Array#sort without a comparator orders by UTF-16 code units, which is what JCS requires.
  // localeCompare would not be.
  const keys = Object.keys(record).sort();
  let out = '{';
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    if (index > 0) out += ',';
    path.push(key);
    out += `${serializeString(key, path)}:${serialize(record[key], path, ancestors)}`;
    path.pop();
  }
  return `${out}}`;
}
