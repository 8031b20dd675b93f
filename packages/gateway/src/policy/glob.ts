/**
 * Glob matching shared by policies and passports: `*` matches any run of characters,
 * including none; every other character, `?` and `[` included, matches only itself; case-sensitive.
 *
 * Written by hand rather than built as a RegExp, so user input never becomes a pattern program. The
 * pattern is split on `*` once; a text matches when it starts with the first piece, ends with the last,
 * and holds the middle pieces in order in between. Placing each middle piece at its leftmost
 * occurrence is always safe (it leaves the most room for the rest), so matching is a few `indexOf`
 * calls with no backtracking.
 */
export type GlobMatcher = (text: string) => boolean;

export function compileGlob(pattern: string): GlobMatcher {
  const pieces = pattern.split('*');
  if (pieces.length === 1) return (text) => text === pattern;
  const prefix = pieces[0] as string;
  const suffix = pieces[pieces.length - 1] as string;
  const middles = pieces.slice(1, -1).filter((piece) => piece.length > 0);
  const fixedLength = prefix.length + suffix.length;
  return (text) => {
    if (text.length < fixedLength || !text.startsWith(prefix) || !text.endsWith(suffix)) return false;
    const end = text.length - suffix.length;
    let from = prefix.length;
    for (const piece of middles) {
      const at = text.indexOf(piece, from);
      if (at < 0 || at + piece.length > end) return false;
      from = at + piece.length;
    }
    return true;
  };
}

export function globMatch(pattern: string, text: string): boolean {
  return compileGlob(pattern)(text);
}
