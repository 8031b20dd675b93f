/**
 * Extra credential formats an operator configures as `{kind, pattern}`. A pattern is a regular
 * expression from config, so it is held to what the scan can afford: bounded length, no nested
 * quantifier (`(a+)+`, `(\w*)*`) and no repeated alternation (`(a|aa)*`), the shapes of exponential
 * backtracking; no back-references; at most one unbounded repetition (two in a row, `\w*\w*x`, cost
 * cubic time) and bounded ones up to {,256}; and it must not match the empty string. The scanner
 * feeds a pattern one whitespace-delimited token at a time, long tokens in windows (filter.ts), so a
 * pattern's input is bounded too.
 */
import type { CredentialFormat } from './credentials.js';

export const PATTERN_MAX_CHARS = 256;
export const PATTERNS_MAX = 32;
const KIND = /^[a-z][a-z0-9_]{0,47}$/;

type Report = (path: string, message: string) => void;

/** `[{kind, pattern}]` as formats; problems reported by path (`<path>[2].pattern: …`). */
export function parseExtraPatterns(raw: unknown, path: string, at: Report): CredentialFormat[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) {
    at(
      path,
      'must be a list of {kind, pattern}, e.g. [{"kind": "acme_token", "pattern": "acme_[A-Za-z0-9]{32}"}]',
    );
    return [];
  }
  if (raw.length > PATTERNS_MAX) at(path, `at most ${PATTERNS_MAX} patterns`);
  const formats: CredentialFormat[] = [];
  raw.slice(0, PATTERNS_MAX).forEach((entry, i) => {
    const where = `${path}[${i}]`;
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      at(where, 'must be an object {kind, pattern}');
      return;
    }
    const { kind, pattern, ...rest } = entry as Record<string, unknown>;
    for (const key of Object.keys(rest)) at(`${where}.${key}`, 'unknown field; expected kind, pattern');
    if (typeof kind !== 'string' || !KIND.test(kind))
      at(`${where}.kind`, 'must be 1-48 characters of a-z, 0-9 and "_", starting with a letter');
    const problem = patternProblem(pattern);
    if (problem !== null) {
      at(`${where}.pattern`, problem);
      return;
    }
    if (typeof kind === 'string' && KIND.test(kind))
      formats.push({ kind, pattern: new RegExp(pattern as string, 'gu') });
  });
  return formats;
}

/** Why a configured pattern is refused, or null. */
export function patternProblem(pattern: unknown): string | null {
  if (typeof pattern !== 'string' || pattern === '') return 'must be a non-empty regular expression';
  if (pattern.length > PATTERN_MAX_CHARS) return `must be at most ${PATTERN_MAX_CHARS} characters`;
  let compiled: RegExp;
  try {
    compiled = new RegExp(pattern, 'u');
  } catch (error) {
    return `is not a valid regular expression (${(error as Error).message})`;
  }
  if (/\\[1-9]|\\k</.test(pattern)) return 'must not use back-references';
  const shape = repetitionProblem(pattern);
  if (shape !== null) return shape;
  if (compiled.test('')) return 'must not match the empty string';
  return null;
}

const MAX_BOUND = 256;
const MAX_OPTIONAL = 4;

/**
 * Why the pattern's repetitions could make a scan slow, or null. Backtracking needs choice: a fixed
 * count (`{24}`) offers none, `?` offers two, anything else (`*`, `+`, `{m,}`, `{m,n}`) many. So: at
 * most one repetition of variable length, at most MAX_OPTIONAL `?`, bounds up to MAX_BOUND, and no
 * repeated group that itself repeats or offers alternatives (exponential on its own).
 */
function repetitionProblem(pattern: string): string | null {
  // Per open group: does its body repeat, does it offer alternatives.
  const stack: Array<{ repeats: boolean; alternates: boolean }> = [];
  let inClass = false;
  let variable = 0;
  let optional = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    let quantifier: 'variable' | 'fixed' | 'optional' | null = null;
    let end = i;
    if (c === '*' || c === '+') quantifier = 'variable';
    else if (c === '?') quantifier = 'optional';
    else if (c === '{') {
      const bound = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (bound) {
        const low = Number(bound[1]);
        const high =
          bound[2] === undefined ? low : bound[3] === '' ? Number.POSITIVE_INFINITY : Number(bound[3]);
        if (high !== Number.POSITIVE_INFINITY && high > MAX_BOUND)
          return `must not repeat more than ${MAX_BOUND} times ({m,n} with n up to ${MAX_BOUND})`;
        quantifier = high === low ? 'fixed' : 'variable';
        end = i + bound[0].length - 1;
      }
    }
    if (quantifier !== null) {
      if (quantifier === 'variable') variable++;
      if (quantifier === 'optional') optional++;
      const top = stack[stack.length - 1];
      if (top && quantifier !== 'fixed') top.repeats = true;
      i = end;
      if (pattern[i + 1] === '?') i++; // lazy modifier, not another quantifier
      continue;
    }
    if (c === '[') inClass = true;
    else if (c === '(') {
      stack.push({ repeats: false, alternates: false });
      const prefix = /^\((?:\?:|\?=|\?!|\?<=|\?<!|\?<[A-Za-z_][A-Za-z0-9_]*>)?/.exec(pattern.slice(i));
      i += (prefix?.[0].length ?? 1) - 1;
    } else if (c === '|') {
      const top = stack[stack.length - 1];
      if (top) top.alternates = true;
    } else if (c === ')') {
      const group = stack.pop() ?? { repeats: false, alternates: false };
      const next = pattern[i + 1];
      if (next === '*' || next === '+' || next === '{') {
        if (group.repeats)
          return 'must not repeat a group that itself repeats (e.g. (a+)+): it can take exponential time';
        if (group.alternates)
          return 'must not repeat a group of alternatives (e.g. (a|ab)*): use a character class';
      }
      const parent = stack[stack.length - 1];
      if (parent && group.repeats) parent.repeats = true;
    }
  }
  if (variable > 1)
    return 'must have at most one repetition of variable length (*, +, {m,n}); give the others a fixed count like {24}';
  if (optional > MAX_OPTIONAL) return `must have at most ${MAX_OPTIONAL} optional parts (?)`;
  return null;
}
