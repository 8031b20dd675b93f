/**
 * Tool names and the globs over tool names and resources, shared by policies and passports.
 *
 * - A tool name is dot-separated segments of `[A-Za-z0-9_-]+` (`stripe.refund.create`).
 * - In a tool glob, `*` matches any run of segment characters within ONE segment (never a dot) and a
 *   segment that is exactly `**` matches any number of whole segments, none included. A text that is
 *   not a tool name matches no tool glob, so `stripe.refund.*` never matches `stripe.refund.x/../y`
 *   and `*.refund.create` never matches `.refund.create`.
 * - In a resource glob, `*` matches any run of characters except `:` and `/`, and `**` any run at all
 *   (it crosses both, deliberately: `stripe:charge:**` is "anything under stripe:charge:"). The pattern
 *   that is exactly `*` matches every resource: it is what a passport issued without
 *   `allowed_resources` carries, and means "any resource".
 *
 * Both are matched without regular expressions and without backtracking: a pass over the pattern that
 * keeps the set of text positions reachable so far, so hostile patterns and texts cost O(pattern × text).
 */
import { toolNameMaxLength, toolNamePattern } from '../generated/contract.js';
import { compileGlob, type GlobMatcher } from './glob.js';

/** The contract's ToolNameString pattern, so the contract and the gateway cannot disagree on a name. */
export const TOOL_NAME_PATTERN = new RegExp(toolNamePattern, 'u');
export const TOOL_NAME_MAX_LENGTH = toolNameMaxLength;
const TOOL_GLOB_SEGMENT = /^[A-Za-z0-9_*-]+$/;
const ANY_SEGMENTS = '**';
const RESOURCE_SEPARATORS = new Set([':', '/']);

export function isToolName(text: unknown): text is string {
  return typeof text === 'string' && text.length <= TOOL_NAME_MAX_LENGTH && TOOL_NAME_PATTERN.test(text);
}

/** Why `pattern` is not a tool glob, or null when it is. */
export function toolGlobProblem(pattern: string): string | null {
  for (const segment of pattern.split('.')) {
    if (segment === ANY_SEGMENTS) continue;
    if (!TOOL_GLOB_SEGMENT.test(segment) || segment.includes(ANY_SEGMENTS)) {
      return `"${pattern}" is not a tool glob: dot-separated segments of [A-Za-z0-9_-] and "*", or a whole "**" segment`;
    }
  }
  return null;
}

/** A matcher for a tool glob; an invalid pattern matches nothing (fail closed). */
export function compileToolGlob(pattern: string): GlobMatcher {
  if (toolGlobProblem(pattern) !== null) return () => false;
  const segments = pattern
    .split('.')
    .map((segment) => (segment === ANY_SEGMENTS ? null : compileGlob(segment)));
  return (text) => {
    if (!isToolName(text)) return false;
    const parts = text.split('.');
    // reachable[j]: the pattern segments seen so far can consume exactly the first j text segments.
    let reachable = parts.map(() => false).concat(false);
    reachable[0] = true;
    for (const segment of segments) {
      const next = reachable.map(() => false);
      let seen = false;
      for (let j = 0; j <= parts.length; j++) {
        if (segment === null) {
          seen ||= reachable[j] as boolean;
          next[j] = seen;
        } else if (j > 0 && reachable[j - 1] && segment(parts[j - 1] as string)) {
          next[j] = true;
        }
      }
      reachable = next;
    }
    return reachable[parts.length] as boolean;
  };
}

export function toolGlobMatch(pattern: string, text: string): boolean {
  return compileToolGlob(pattern)(text);
}

type ResourceToken = { kind: 'literal'; text: string } | { kind: 'star' } | { kind: 'any' };

/** A matcher for a resource glob. */
export function compileResourceGlob(pattern: string): GlobMatcher {
  if (pattern === '*') return () => true;
  const tokens = tokenizeResourceGlob(pattern);
  return (text) => {
    let reachable = new Array<boolean>(text.length + 1).fill(false);
    reachable[0] = true;
    for (const token of tokens) {
      const next = new Array<boolean>(text.length + 1).fill(false);
      for (let j = 0; j <= text.length; j++) {
        if (token.kind === 'literal') {
          if (reachable[j] && text.startsWith(token.text, j)) next[j + token.text.length] = true;
        } else if (reachable[j]) {
          next[j] = true;
        } else if (j > 0 && next[j - 1]) {
          next[j] = token.kind === 'any' || !RESOURCE_SEPARATORS.has(text[j - 1] as string);
        }
      }
      reachable = next;
    }
    return reachable[text.length] as boolean;
  };
}

export function resourceGlobMatch(pattern: string, text: string): boolean {
  return compileResourceGlob(pattern)(text);
}

function tokenizeResourceGlob(pattern: string): ResourceToken[] {
  const tokens: ResourceToken[] = [];
  let literal = '';
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '*') {
      literal += pattern[i];
      continue;
    }
    if (literal) tokens.push({ kind: 'literal', text: literal });
    literal = '';
    const doubled = pattern[i + 1] === '*';
    if (doubled) i++;
    // A run of stars is one token (`***` is `**`): a star right after a star only widens it.
    const previous = tokens.at(-1);
    if (previous && previous.kind !== 'literal') {
      if (doubled) tokens[tokens.length - 1] = { kind: 'any' };
      continue;
    }
    tokens.push({ kind: doubled ? 'any' : 'star' });
  }
  if (literal) tokens.push({ kind: 'literal', text: literal });
  return tokens;
}
