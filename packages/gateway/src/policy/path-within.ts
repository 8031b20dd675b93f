/**
 * The `path_within` operator: does a file path, once normalised, stay inside a directory?
 *
 * `starts_with "/srv/allowed/"` is not a containment test: `/srv/allowed/../etc/passwd` starts with it
 * and names a file outside. This operator compares segments after lexical normalisation (`.` dropped,
 * `..` pops a segment, repeated and trailing `/` ignored) and fails closed on everything it cannot read
 * the same way every file server would:
 *
 * - a `..` that climbs above the directory (or above `/`) never matches;
 * - a backslash never matches (a Windows server splits on it; a POSIX one does not), nor does NUL or
 *   any other C0 control character;
 * - an absolute directory matches only absolute paths, a relative directory only relative ones;
 * - a relative path whose first segment starts with `~` (home expansion) or holds `:` (a drive letter
 *   or a URI scheme) never matches;
 * - an array matches only when it is non-empty and every element matches (tools such as
 *   `read_multiple_files` take `paths: [...]`); anything else that is not a string never matches.
 *
 * It is lexical: the evaluator has no filesystem, so a symlink inside the directory is not followed.
 * Comparison is exact (case- and normalisation-sensitive), which fails closed in an allow rule; prefer
 * it in allow rules over deny rules on case-insensitive filesystems.
 */

/** Why a directory value cannot be used, or null when it can. Checked when the policy loads. */
export function pathWithinValueProblem(value: string): string | null {
  if (value === '') return 'operator "path_within" needs a non-empty directory';
  if (unreadable(value))
    return 'operator "path_within" directory must not contain "\\", NUL or control characters';
  if (value.split('/').includes('..'))
    return 'operator "path_within" directory must not contain ".." segments';
  return null;
}

/** Binds a test for one directory (already checked by `pathWithinValueProblem`). */
export function bindPathWithin(directory: string): (actual: unknown) => boolean {
  const root = normalisePath(directory);
  if (root === null) return () => false;
  const within = (candidate: unknown): boolean => {
    if (typeof candidate !== 'string' || candidate === '' || unreadable(candidate)) return false;
    const path = normalisePath(candidate);
    if (path === null || path.absolute !== root.absolute) return false;
    if (!path.absolute) {
      const first = candidate.split('/').find((segment) => segment !== '' && segment !== '.');
      if (first !== undefined && (first.startsWith('~') || first.includes(':'))) return false;
    }
    if (path.segments.length < root.segments.length) return false;
    return root.segments.every((segment, i) => path.segments[i] === segment);
  };
  return (actual) => {
    if (Array.isArray(actual)) return actual.length > 0 && actual.every((element) => within(element));
    return within(actual);
  };
}

interface NormalisedPath {
  absolute: boolean;
  segments: string[];
}

/** Lexical normalisation; null when a `..` climbs above the start (the path escapes). */
function normalisePath(path: string): NormalisedPath | null {
  const absolute = path.startsWith('/');
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (segments.length === 0) return null;
      segments.pop();
      continue;
    }
    segments.push(segment);
  }
  return { absolute, segments };
}

// Backslash, and C0 controls with NUL and DEL: a path holding one is read differently by different
// servers (or truncated by C), so it never counts as inside.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
const UNREADABLE = /[\\\u0000-\u001f\u007f]/;

function unreadable(path: string): boolean {
  return UNREADABLE.test(path);
}
