/**
 * Passport verification. Checks run in this order and the FIRST failure is the answer:
 *
 *   structure, header, claim shapes → passport.malformed
 *   kid lookup                      → passport.unknown_key  (a key is needed before a signature can be checked)
 *   signature                       → passport.bad_signature
 *   iss, aud, tenant_id             → passport.wrong_issuer | wrong_audience | tenant_mismatch
 *   nbf, exp (± leeway)             → passport.not_yet_valid | expired
 *   revocation                      → passport.revoked
 *   replay (a non-consuming look)   → passport.replayed
 *   tool, resource (globs) → passport.tool_not_allowed | resource_not_allowed
 *   constraints, then action_hash   → passport.constraint_violated
 *
 * Verification never consumes the passport; `claimPassport` does, as a separate step at preflight, so a
 * request that fails a check never burns the token. Bad tokens never throw: the result is a union.
 */

import { PASSPORT_LEEWAY_DEFAULT_SECONDS, PASSPORT_LEEWAY_MAX_SECONDS } from '../constants.js';
import { jsonEquals, MISSING, ownValue } from '../policy/json.js';
import { resourceGlobMatch, toolGlobMatch } from '../policy/names.js';
import type { JsonValue } from '../policy/types.js';
import { claimsProblem, type PassportClaims } from './claims.js';
import type { KeyResolver } from './jwks.js';
import type { JtiClaimStore } from './replay.js';
import { checkSignature, parseToken } from './token.js';

export type PassportReasonCode =
  | 'passport.malformed'
  | 'passport.bad_signature'
  | 'passport.unknown_key'
  | 'passport.wrong_issuer'
  | 'passport.wrong_audience'
  | 'passport.tenant_mismatch'
  | 'passport.not_yet_valid'
  | 'passport.expired'
  | 'passport.revoked'
  | 'passport.replayed'
  | 'passport.tool_not_allowed'
  | 'passport.resource_not_allowed'
  | 'passport.constraint_violated'
  | 'passport.goal_mismatch'
  | 'passport.user_mismatch';

/** The action a passport is checked against (omit it to verify the token alone, e.g. /passports/verify). */
export interface PassportAction {
  tool: string;
  /** Absent or null is checked as the empty string: only `*` (or an empty entry) allows it. */
  resource?: string | null;
  args?: Record<string, unknown>;
  /** Hex SHA-256 of the canonical action; required to use a passport that carries `action_hash`. */
  action_hash?: string;
}

export interface VerifyPassportOptions {
  keys: KeyResolver;
  store: JtiClaimStore;
  nowSeconds: number;
  issuer: string;
  audience: string;
  tenantId: string;
  /** 0..30 s, default 5 s. */
  leewaySeconds?: number;
  action?: PassportAction;
}

export type PassportFailure = {
  ok: false;
  reason_code: PassportReasonCode;
  message: string;
  /** Present once the signature is verified, so callers can log the jti of a refused passport. */
  claims?: PassportClaims;
};
export type VerifyPassportResult = { ok: true; claims: PassportClaims } | PassportFailure;
export type ClaimPassportResult = { ok: true } | PassportFailure;

export function resolveLeeway(leewaySeconds: number | undefined): number {
  const leeway = leewaySeconds ?? PASSPORT_LEEWAY_DEFAULT_SECONDS;
  if (!Number.isSafeInteger(leeway) || leeway < 0 || leeway > PASSPORT_LEEWAY_MAX_SECONDS) {
    throw new RangeError(`passport leeway must be an integer in 0..${PASSPORT_LEEWAY_MAX_SECONDS} seconds`);
  }
  return leeway;
}

export async function verifyPassport(
  token: unknown,
  options: VerifyPassportOptions,
): Promise<VerifyPassportResult> {
  const leeway = resolveLeeway(options.leewaySeconds);
  const parsed = parseToken(token);
  if (!parsed.ok) return failure('passport.malformed', parsed.message);
  const shape = claimsProblem(parsed.token.payload);
  if (shape) return failure('passport.malformed', shape);

  const signature = checkSignature(parsed.token, options.keys);
  if (signature === 'unknown_key')
    return failure('passport.unknown_key', 'passport is signed by an unknown key');
  if (signature === 'bad_signature')
    return failure('passport.bad_signature', 'passport signature does not verify');
  const claims = parsed.token.payload as unknown as PassportClaims;

  const problem =
    checkParties(claims, options) ??
    checkTimes(claims, options.nowSeconds, leeway) ??
    (await checkState(claims, options.store)) ??
    (options.action ? checkAction(claims, options.action) : null);
  return problem ? { ...problem, claims } : { ok: true, claims };
}

/**
 * Consumes a verified passport: atomically claims its jti. Call it at preflight after `verifyPassport`
 * succeeded; a concurrent or later second use gets `passport.replayed`. The claim is kept until
 * `exp` + the LARGEST allowed leeway (not the caller's), so it can never lapse while any verifier
 * configuration would still accept the token; `leewaySeconds` is only validated.
 */
export async function claimPassport(
  store: JtiClaimStore,
  claims: PassportClaims,
  leewaySeconds?: number,
): Promise<ClaimPassportResult> {
  resolveLeeway(leewaySeconds);
  const first = await store.claim(claims.tenant_id, claims.jti, claims.exp + PASSPORT_LEEWAY_MAX_SECONDS);
  return first ? { ok: true } : { ...failure('passport.replayed', 'passport was already used'), claims };
}

function checkParties(claims: PassportClaims, options: VerifyPassportOptions): PassportFailure | null {
  if (claims.iss !== options.issuer)
    return failure('passport.wrong_issuer', 'passport was issued by someone else');
  if (claims.aud !== options.audience)
    return failure('passport.wrong_audience', 'passport is for another audience');
  if (claims.tenant_id !== options.tenantId) {
    return failure('passport.tenant_mismatch', 'passport belongs to another tenant');
  }
  return null;
}

function checkTimes(claims: PassportClaims, now: number, leeway: number): PassportFailure | null {
  if (now + leeway < claims.nbf) return failure('passport.not_yet_valid', 'passport is not valid yet');
  // RFC 7519: exp is the first instant at which the token is no longer accepted.
  if (now - leeway >= claims.exp) return failure('passport.expired', 'passport has expired');
  return null;
}

async function checkState(claims: PassportClaims, store: JtiClaimStore): Promise<PassportFailure | null> {
  if (await store.isRevoked(claims.tenant_id, claims.jti)) {
    return failure('passport.revoked', 'passport was revoked');
  }
  if (await store.isClaimed(claims.tenant_id, claims.jti)) {
    return failure('passport.replayed', 'passport was already used');
  }
  return null;
}

function checkAction(claims: PassportClaims, action: PassportAction): PassportFailure | null {
  if (!claims.allowed_tools.some((pattern) => toolGlobMatch(pattern, action.tool))) {
    return failure('passport.tool_not_allowed', `tool "${action.tool}" is not allowed by this passport`);
  }
  const resource = action.resource ?? '';
  if (!claims.allowed_resources.some((pattern) => resourceGlobMatch(pattern, resource))) {
    return failure('passport.resource_not_allowed', 'resource is not allowed by this passport');
  }
  const violated = violatedConstraint(claims.resource_constraints, action.args ?? {});
  if (violated)
    return failure('passport.constraint_violated', `args violate resource constraint "${violated}"`);
  if (claims.action_hash !== undefined && claims.action_hash !== action.action_hash) {
    return failure('passport.constraint_violated', 'passport is bound to a different action');
  }
  return null;
}

/**
 * Returns the first violated constraint key (in sorted order, so the answer is deterministic), or null.
 * `max_<f>`/`min_<f>` bound a numeric top-level `args.<f>`; any other key requires `args.<key>` to equal
 * the value, or to equal one element when the value is an array. A missing argument always violates.
 */
export function violatedConstraint(constraints: Record<string, JsonValue>, args: unknown): string | null {
  for (const key of Object.keys(constraints).sort()) {
    const bound = constraints[key] as JsonValue;
    const bounded = /^(max|min)_(.+)$/s.exec(key);
    if (bounded) {
      const actual = ownValue(args, bounded[2] as string);
      if (typeof actual !== 'number' || !Number.isFinite(actual) || typeof bound !== 'number') return key;
      if (bounded[1] === 'max' ? actual > bound : actual < bound) return key;
      continue;
    }
    const actual = ownValue(args, key);
    if (actual === MISSING) return key;
    const allowed = Array.isArray(bound) ? bound : [bound];
    if (!allowed.some((candidate) => jsonEquals(candidate, actual))) return key;
  }
  return null;
}

function failure(reason_code: PassportReasonCode, message: string): PassportFailure {
  return { ok: false, reason_code, message };
}
