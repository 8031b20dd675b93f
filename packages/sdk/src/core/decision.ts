import type { Decision, Explain, Mode, PassportVerification, RiskTier } from './types.js';

/** Reason codes of decisions the SDK makes itself when it cannot get a valid one (SPEC §9). */
export type ClientReasonCode =
  | 'client.unreachable'
  | 'client.timeout'
  | 'client.http_error'
  | 'client.invalid_response'
  | 'client.misconfigured';

/**
 * A fail-closed decision made by the SDK, not the gateway: always `deny`, `enforced` unless the call
 * ran in `monitor`. Fields only the gateway can fill (ledger event, action hash, policy) are absent;
 * they are declared `undefined` so code reading them on a {@link PreflightDecision} still type-checks.
 */
export interface ClientDecision {
  decision: 'deny';
  reason_code: ClientReasonCode;
  risk_tier: RiskTier;
  mode: Mode;
  enforced: boolean;
  source: 'client';
  /** Present in `monitor` and `warn`, like the gateway's. */
  would_decision?: 'deny';
  explain: Explain;
  /** The last response's `x-request-id`, when any response arrived. */
  request_id?: string;
  decided_at: string;
  evidence_event_id?: undefined;
  approval_request_id?: undefined;
  action_hash?: undefined;
  policy?: undefined;
  credential?: undefined;
}

/** What `preflight()` and `guard()` return: the gateway's decision, or the SDK's fail-closed one. */
export type PreflightDecision = Decision | ClientDecision;

/** A verification the SDK could not get from the gateway: never `valid`. */
export interface ClientPassportVerification {
  valid: false;
  reason_code: ClientReasonCode;
  message: string;
  source: 'client';
  request_id?: string;
  claims?: undefined;
}

/** What `verifyPassport()` returns. */
export type PassportVerificationResult = PassportVerification | ClientPassportVerification;

export function isClientDecision(decision: PreflightDecision): decision is ClientDecision {
  return decision.source === 'client';
}
