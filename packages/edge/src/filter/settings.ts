/**
 * The `filter` field of a proxied server or upstream: absent or `true` → credential formats redacted;
 * `false` → no filtering at all; an object → `{strip_hidden?, block_instructions?, patterns?}` (the
 * fields `allowed` names). Problems are reported by path, like the rest of the proxy configs.
 */
import { DEFAULT_FILTER, type FilterSettings } from './filter.js';
import { parseExtraPatterns } from './patterns.js';

type Report = (path: string, message: string) => void;
export type FilterField = 'strip_hidden' | 'block_instructions' | 'patterns';

export function parseFilterSettings(
  raw: unknown,
  path: string,
  allowed: readonly FilterField[],
  at: Report,
): FilterSettings | null {
  if (raw === undefined || raw === true) return DEFAULT_FILTER;
  if (raw === false) return null;
  const shape = `false, true or an object with any of ${allowed.join(', ')}`;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    at(path, `must be ${shape}`);
    return DEFAULT_FILTER;
  }
  const value = raw as Record<string, unknown>;
  for (const key of Object.keys(value))
    if (!(allowed as readonly string[]).includes(key))
      at(`${path}.${key}`, `unknown field; expected one of ${allowed.join(', ')}`);
  const flag = (key: FilterField) => {
    if (value[key] === undefined) return false;
    if (typeof value[key] !== 'boolean') at(`${path}.${key}`, 'must be true or false');
    return value[key] === true;
  };
  return {
    stripHidden: allowed.includes('strip_hidden') && flag('strip_hidden'),
    blockInstructions: allowed.includes('block_instructions') && flag('block_instructions'),
    patterns: parseExtraPatterns(value.patterns, `${path}.patterns`, at),
  };
}
