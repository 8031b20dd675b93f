/**
 * Passport claims: their shape, and issuance.
 *
 * The shape check is strict (unknown claims, wrong types, non-integer times, lifetimes beyond the TTL
 * cap are malformed): a token we cannot fully interpret is a token we do not honour.
 */
import { randomBytes } from 'node:crypto';
import {
  PASSPORT_JTI_PREFIX,
  PASSPORT_JTI_RANDOM_BYTES,
  PASSPORT_MAX_TOKEN_CHARS,
  PASSPORT_TTL_DEFAULT_SECONDS,
  PASSPORT_TTL_MAX_SECONDS,
  PASSPORT_TTL_MIN_SECONDS,
} from '../constants.js';
import { base64urlEncode } from '../crypto/index.js';
import { RISK_TIERS } from '../policy/constants.js';
import { toolGlobProblem } from '../policy/names.js';
import type { JsonValue, RiskTier } from '../policy/types.js';
import type { Keyset } from './keyset.js';
import { signToken } from './token.js';

export interface PassportClaims {
  iss: string;
  aud: string;
  tenant_id: string;
  agent_id: string | null;
  user_id: string | null;
  goal: string;
  allowed_tools: string[];
  allowed_resources: string[];
  resource_constraints: Record<string, JsonValue>;
  risk_tier: RiskTier;
  approval_hash: string | null;
  /** When present the passport is valid for this exact canonical action only (action hash). */
  action_hash?: string;
  iat: number;
  nbf: number;
  exp: number;
  jti: string;
}

export interface IssuePassportInput {
  issuer: string;
  audience: string;
  tenant_id: string;
  agent_id?: string | null;
  user_id?: string | null;
  goal: string;
  allowed_tools: string[];
  /** Omitted means any resource (`["*"]`); an empty list allows none. */
  allowed_resources?: string[];
  resource_constraints?: Record<string, JsonValue>;
  /** Defaults to `medium`: the passport's own tier is informational; policy decides the action's tier. */
  risk_tier?: RiskTier;
  approval_hash?: string | null;
  action_hash?: string;
  /** Default 300 s, clamped to [1, 3600]. */
  ttl_seconds?: number;
  /** Injected for vectors and tests; otherwise `ap_` + 128 random bits. */
  jti?: string;
}

export interface IssuedPassport {
  token: string;
  claims: PassportClaims;
}

const CLAIM_NAMES = new Set([
  'iss',
  'aud',
  'tenant_id',
  'agent_id',
  'user_id',
  'goal',
  'allowed_tools',
  'allowed_resources',
  'resource_constraints',
  'risk_tier',
  'approval_hash',
  'action_hash',
  'iat',
  'nbf',
  'exp',
  'jti',
]);
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const JTI = /^ap_[A-Za-z0-9_-]{1,128}$/;

export function clampTtl(ttlSeconds: number | undefined): number {
  if (ttlSeconds === undefined || !Number.isFinite(ttlSeconds)) return PASSPORT_TTL_DEFAULT_SECONDS;
  return Math.min(PASSPORT_TTL_MAX_SECONDS, Math.max(PASSPORT_TTL_MIN_SECONDS, Math.floor(ttlSeconds)));
}

export function newJti(): string {
  return PASSPORT_JTI_PREFIX + base64urlEncode(randomBytes(PASSPORT_JTI_RANDOM_BYTES));
}

/**
 * Issues a signed passport. `nowSeconds` is Unix time in seconds (iat = nbf = now, exp = now + TTL).
 * Throws a `TypeError` naming the claim when the input cannot make a valid passport.
 */
export function issuePassport(keyset: Keyset, input: IssuePassportInput, nowSeconds: number): IssuedPassport {
  const now = Math.floor(nowSeconds);
  const claims: PassportClaims = {
    iss: input.issuer,
    aud: input.audience,
    tenant_id: input.tenant_id,
    agent_id: input.agent_id ?? null,
    user_id: input.user_id ?? null,
    goal: input.goal,
    allowed_tools: [...input.allowed_tools],
    allowed_resources: input.allowed_resources ? [...input.allowed_resources] : ['*'],
    resource_constraints: { ...(input.resource_constraints ?? {}) },
    risk_tier: input.risk_tier ?? 'medium',
    approval_hash: input.approval_hash ?? null,
    ...(input.action_hash !== undefined ? { action_hash: input.action_hash } : {}),
    iat: now,
    nbf: now,
    exp: now + clampTtl(input.ttl_seconds),
    jti: input.jti ?? newJti(),
  };
  const problem = claimsProblem(claims as unknown as Record<string, unknown>) ?? toolGlobsProblem(claims);
  if (problem) throw new TypeError(`cannot issue passport: ${problem}`);
  const token = signToken(claims as unknown as Record<string, unknown>, keyset);
  // Verifiers refuse longer tokens unread, so a passport past the limit could never be used.
  if (token.length > PASSPORT_MAX_TOKEN_CHARS) {
    throw new TypeError(
      `the signed passport would be ${token.length} characters, over the ${PASSPORT_MAX_TOKEN_CHARS} a verifier reads; list fewer or shorter allowed_tools, allowed_resources or resource_constraints`,
    );
  }
  return { token, claims };
}

/** Returns why `payload` is not a well-formed passport claim set, or null when it is. */
export function claimsProblem(payload: Record<string, unknown>): string | null {
  for (const name of Object.keys(payload)) if (!CLAIM_NAMES.has(name)) return `unknown claim "${name}"`;
  for (const name of ['iss', 'aud', 'tenant_id', 'goal'] as const) {
    if (!isNonEmptyString(payload[name])) return `${name} must be a non-empty string`;
  }
  for (const name of ['agent_id', 'user_id'] as const) {
    if (payload[name] !== null && !isNonEmptyString(payload[name])) return `${name} must be a string or null`;
  }
  for (const name of ['allowed_tools', 'allowed_resources'] as const) {
    const list = payload[name];
    if (!Array.isArray(list) || !list.every(isNonEmptyString)) return `${name} must be an array of strings`;
  }
  const constraintsIssue = constraintsProblem(payload.resource_constraints);
  if (constraintsIssue) return constraintsIssue;
  if (!RISK_TIERS.includes(payload.risk_tier as RiskTier))
    return 'risk_tier must be low|medium|high|critical';
  if (payload.approval_hash !== null && !isHexSha256(payload.approval_hash)) {
    return 'approval_hash must be a hex SHA-256 or null';
  }
  if ('action_hash' in payload && !isHexSha256(payload.action_hash))
    return 'action_hash must be a hex SHA-256';
  const { iat, nbf, exp } = payload;
  if (!Number.isSafeInteger(iat) || !Number.isSafeInteger(nbf) || !Number.isSafeInteger(exp)) {
    return 'iat, nbf and exp must be integer seconds';
  }
  // Bounding the lifetime means even a leaked signing path cannot mint long-lived passports unnoticed.
  if (!((iat as number) <= (nbf as number) && (nbf as number) < (exp as number))) {
    return 'times must satisfy iat <= nbf < exp';
  }
  if ((exp as number) - (iat as number) > PASSPORT_TTL_MAX_SECONDS) {
    return `lifetime exceeds ${PASSPORT_TTL_MAX_SECONDS} s`;
  }
  if (typeof payload.jti !== 'string' || !JTI.test(payload.jti)) return 'jti must look like ap_…';
  return null;
}

/**
 * Issued passports name tools by tool globs. (Verification does not refuse a token carrying
 * another pattern as malformed: such an entry simply matches no tool.)
 */
function toolGlobsProblem(claims: PassportClaims): string | null {
  for (const [i, pattern] of claims.allowed_tools.entries()) {
    const problem = toolGlobProblem(pattern);
    if (problem) return `allowed_tools[${i}]: ${problem}`;
  }
  return null;
}

function constraintsProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return 'resource_constraints must be an object';
  }
  for (const [key, bound] of Object.entries(value)) {
    if (/^(max|min)_./.test(key) && (typeof bound !== 'number' || !Number.isFinite(bound))) {
      return `resource_constraints.${key} must be a number`;
    }
  }
  return null;
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function isHexSha256(value: unknown): boolean {
  return typeof value === 'string' && HEX_SHA256.test(value);
}
