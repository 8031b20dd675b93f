/**
 * Stable codes so callers (and the cross-language vectors) can branch on meaning, not on message text.
 */
export type CanonicalJsonErrorCode =
  | 'invalid_json'
  | 'duplicate_key'
  | 'unsafe_integer'
  | 'non_finite_number'
  | 'lone_surrogate'
  | 'unsupported_type'
  | 'cycle';

export type PathSegment = string | number;

export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
  readonly code: CanonicalJsonErrorCode;
  /** JSONPath-like location of the offending value, e.g. `$.args.amount` or `$.items[2]`. */
  readonly path: string;

  constructor(code: CanonicalJsonErrorCode, detail: string, path: readonly PathSegment[]) {
    const rendered = renderPath(path);
    super(`${detail} at ${rendered}`);
    this.code = code;
    this.path = rendered;
  }
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

// Paths are kept as segment arrays while walking and only rendered when an error is thrown,
// so the happy path never pays for string building. Python renders the same format.
export function renderPath(path: readonly PathSegment[]): string {
  let out = '$';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}
