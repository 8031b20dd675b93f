export { CanonicalJsonError, type CanonicalJsonErrorCode } from './errors.js';
export { canonicalBytes, canonicalize } from './json.js';
export { parseJsonStrict } from './parse.js';
