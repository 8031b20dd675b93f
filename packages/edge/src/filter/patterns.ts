/**
 * Extra credential formats an operator configures as `{kind, pattern}`. A pattern is a regular
 * expression from config, so it is held to what the scan can afford: bounded length, no nested
 * quantifier (`(a+)+`, `(\w*)*`, the shape of catastrophic backtracking), no back-references, and it
 * must not match the empty string. The scanner also feeds each pattern at most
 * `PATTERN_SCAN_WINDOW_CHARS` at a time, so even a slow pattern has a bounded input.
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
  if (hasNestedQuantifier(pattern))
    return 'must not repeat a group that itself repeats (e.g. (a+)+): it can take exponential time';
  if (compiled.test('')) return 'must not match the empty string';
  return null;
}

/** A quantified group whose body holds a quantifier: `(…+…)*`, `(…*){2,}`, `(?:a|b+)+`. */
function hasNestedQuantifier(pattern: string): boolean {
  const stack: boolean[] = [];
  let inClass = false;
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
    if (c === '[') inClass = true;
    else if (c === '(') stack.push(false);
    else if (c === ')') {
      const innerRepeats = stack.pop() ?? false;
      const next = pattern[i + 1];
      const repeated = next === '*' || next === '+' || next === '{';
      if (innerRepeats && repeated) return true;
      if ((innerRepeats || repeated) && stack.length > 0) stack[stack.length - 1] = true;
    } else if ((c === '*' || c === '+' || c === '{') && stack.length > 0) stack[stack.length - 1] = true;
  }
  return false;
}
