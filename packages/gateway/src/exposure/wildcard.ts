import { globMatch } from '../policy/glob.js';

/**
 * `*` matches any run of characters, everything else matches itself; case-insensitive. Rules match
 * free-form names (`read_file`, `@scope/server-x`), so this is deliberately looser than policy globs,
 * and it never builds a regular expression from a rules file.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  return globMatch(pattern.toLowerCase(), text.toLowerCase());
}
