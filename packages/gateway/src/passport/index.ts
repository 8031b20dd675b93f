export * from '../constants.js';
export {
  claimsProblem,
  clampTtl,
  type IssuedPassport,
  type IssuePassportInput,
  issuePassport,
  newJti,
  type PassportClaims,
} from './claims.js';
export { jwksResolver, type KeyResolver } from './jwks.js';
export {
  type Jwks,
  type KeyInfo,
  type KeyStatus,
  Keyset,
  type PublishedJwk,
  type SerializedKeyset,
} from './keyset.js';
export { type JtiClaimStore, MemoryJtiClaimStore } from './replay.js';
export { checkSignature, type ParsedToken, type PassportHeader, parseToken, signToken } from './token.js';
export {
  type ClaimPassportResult,
  claimPassport,
  type PassportAction,
  type PassportFailure,
  type PassportReasonCode,
  resolveLeeway,
  type VerifyPassportOptions,
  type VerifyPassportResult,
  verifyPassport,
  violatedConstraint,
} from './verify.js';
