/**
 * Response filtering shared by the REST and MCP proxies: credentials recognised by their format (and
 * configured patterns) are replaced by `[REDACTED:<kind>]` and counted by kind; hidden characters can
 * be stripped and results carrying instruction markers recognised.
 */

export { isTextLike } from './content-type.js';
export { CREDENTIAL_FORMATS, type CredentialFormat } from './credentials.js';
export { RESPONSE_REDACTED_EVIDENCE_TYPE, redactionEvidence } from './evidence.js';
export {
  addRedactions,
  DEFAULT_FILTER,
  type FilterSettings,
  filterText,
  instructionMarker,
  type Redactions,
  redactCredentialBytes,
  redactCredentials,
  redactedMark,
  total,
} from './filter.js';
export { KNOWN_SECRET_KIND, KnownSecrets } from './known-secrets.js';
export { parseExtraPatterns, patternProblem } from './patterns.js';
export { type FilterField, parseFilterSettings } from './settings.js';
export { secretSpellings } from './spellings.js';
