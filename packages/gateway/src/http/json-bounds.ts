/**
 * Input bounds, checked before anything runs: nesting depth on the raw text (so a hostile
 * body never reaches a recursive parser or serializer), then, on the parsed value, that every number
 * is finite and every string and member name well-formed UTF-16: a value without a canonical form
 * cannot be hashed into an action or an event, so it is a bad request, not a store failure.
 */
import type { ProblemDetail } from '../store/errors.js';

export interface BoundsProblem extends ProblemDetail {
  /** Said to the caller after the problem: what to send instead. */
  fix: string;
}

const OPEN_OBJECT = 0x7b;
const OPEN_ARRAY = 0x5b;
const CLOSE_OBJECT = 0x7d;
const CLOSE_ARRAY = 0x5d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
// In unicode mode a well-formed pair is one code point outside this range, so only lone halves match.
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Deepest container nesting of JSON text, stopping as soon as it passes `limit` (linear, no recursion).
 * Brackets inside strings do not count. Malformed text is the parser's to report; this only counts.
 */
export function exceedsDepth(text: string, limit: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (code === QUOTE) inString = true;
    else if (code === OPEN_OBJECT || code === OPEN_ARRAY) {
      if (++depth > limit) return true;
    } else if (code === CLOSE_OBJECT || code === CLOSE_ARRAY) depth--;
  }
  return false;
}

/**
 * The first value under `root` that has no canonical JSON form, or null. `root` is a parsed body whose
 * depth is already bounded, so the recursion is too.
 */
export function findUncanonical(value: unknown, at: string): BoundsProblem | null {
  if (typeof value === 'number') {
    return Number.isFinite(value)
      ? null
      : {
          path: at,
          message: 'number is out of range (it has no finite value)',
          fix: 'send a number within the range of a double, e.g. an integer amount in minor units',
        };
  }
  if (typeof value === 'string') return lone(value, at, 'string');
  if (typeof value !== 'object' || value === null) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUncanonical(value[i], `${at}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  for (const [key, member] of Object.entries(value)) {
    const path = memberPath(at, key);
    const found = lone(key, path, 'member name') ?? findUncanonical(member, path);
    if (found) return found;
  }
  return null;
}

function lone(text: string, at: string, what: string): BoundsProblem | null {
  if (!LONE_SURROGATE.test(text)) return null;
  return {
    path: at,
    message: `${what} contains an unpaired UTF-16 surrogate`,
    fix: 'send well-formed Unicode text',
  };
}

function memberPath(base: string, key: string): string {
  return IDENTIFIER.test(key) ? `${base}.${key}` : `${base}[${JSON.stringify(key)}]`;
}
