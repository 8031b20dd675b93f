/**
 * The passport step of the pipeline: verify the token against this action, then claim its
 * jti atomically so it is used once. A token that fails verification is never claimed (a typo must not
 * burn a valid passport); a verified one is spent by this preflight whatever the policy answers next.
 */
import {
  claimPassport,
  type JtiClaimStore,
  type KeyResolver,
  type PassportAction,
  type PassportClaims,
  type PassportReasonCode,
  parseToken,
  verifyPassport,
} from '../passport/index.js';

export interface DelegationDeps {
  keys: KeyResolver;
  jti: JtiClaimStore;
  issuer: string;
  /** When set, a passport's `aud` must be one of these; otherwise any audience this issuer signed. */
  audiences?: readonly string[];
  leewaySeconds?: number;
}

export type DelegationResult =
  | { ok: true; claims: PassportClaims }
  | { ok: false; reason_code: PassportReasonCode; message: string; claims?: PassportClaims };

export async function verifyDelegation(
  deps: DelegationDeps,
  tenantId: string,
  token: string,
  nowSeconds: number,
  action?: PassportAction,
): Promise<{ ok: true; claims: PassportClaims } | DelegationFailure> {
  return verifyPassport(token, {
    keys: deps.keys,
    store: deps.jti,
    nowSeconds,
    issuer: deps.issuer,
    audience: expectedAudience(deps, token),
    tenantId,
    ...(deps.leewaySeconds !== undefined ? { leewaySeconds: deps.leewaySeconds } : {}),
    ...(action ? { action } : {}),
  });
}

type DelegationFailure = Extract<DelegationResult, { ok: false }>;

/** Who the preflight presenting a passport acts for; a passport is bound to its goal and user. */
export interface DelegatedParty {
  agentId: string | null;
  goal: string;
  userId: string | null;
}

/** Verify, then spend. */
export async function useDelegation(
  deps: DelegationDeps,
  tenantId: string,
  token: string,
  nowSeconds: number,
  action: PassportAction,
  party: DelegatedParty,
): Promise<DelegationResult> {
  const verified = await verifyDelegation(deps, tenantId, token, nowSeconds, action);
  if (!verified.ok) return verified;
  const { claims } = verified;
  // A passport names the agent it was issued to; another agent presenting it is not that delegation.
  if (claims.agent_id !== null && claims.agent_id !== party.agentId) {
    return refused(
      claims,
      'passport.constraint_violated',
      `passport was issued to agent "${claims.agent_id}"`,
    );
  }
  // A passport is issued for one goal (and, when it names one, one user); checked before
  // the claim, so a mismatch does not burn it.
  if (claims.goal !== party.goal) {
    return refused(claims, 'passport.goal_mismatch', 'passport was issued for another goal');
  }
  if (claims.user_id !== null && claims.user_id !== party.userId) {
    return refused(claims, 'passport.user_mismatch', 'passport was issued for another user');
  }
  const claimed = await claimPassport(deps.jti, claims, deps.leewaySeconds);
  return claimed.ok ? { ok: true, claims } : claimed;
}

/**
 * Releasing a held action uses the delegation verified when it was held: it is not verified again
 * (it was already spent), but its revocation is re-checked. Expiry after the hold is not:
 * the approval has its own TTL, and the person approved what the passport allowed when it was valid.
 */
export async function inheritedDelegationProblem(
  deps: DelegationDeps,
  claims: PassportClaims,
): Promise<DelegationFailure | null> {
  if (!(await deps.jti.isRevoked(claims.tenant_id, claims.jti))) return null;
  return refused(claims, 'passport.revoked', 'the passport this action was held under was revoked');
}

function refused(
  claims: PassportClaims,
  reason_code: PassportReasonCode,
  message: string,
): DelegationFailure {
  return { ok: false, reason_code, message, claims };
}

/** The jti a token carries, read without trusting it (only to compare with one already verified). */
export function peekJti(token: string): string | undefined {
  const parsed = parseToken(token);
  return parsed.ok && typeof parsed.token.payload.jti === 'string' ? parsed.token.payload.jti : undefined;
}

/**
 * A preflight does not name an audience, so the gateway checks `aud` against its configured audiences,
 * or (when none are configured) accepts the audience it signed: the signature already proves it issued
 * the token for that audience, and the tool/resource/constraint checks bound what it allows.
 */
function expectedAudience(deps: DelegationDeps, token: string): string {
  const parsed = parseToken(token);
  const aud = parsed.ok ? parsed.token.payload.aud : undefined;
  if (deps.audiences && deps.audiences.length > 0) {
    return typeof aud === 'string' && deps.audiences.includes(aud) ? aud : (deps.audiences[0] as string);
  }
  return typeof aud === 'string' ? aud : '';
}
