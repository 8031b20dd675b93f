import type { Decision, Explain, Mode, PassportVerification, RiskTier } from './types.js';

/** Reason codes of decisions the SDK makes itself when it cannot get a valid one. */
export type ClientReasonCode =
  | 'client.unreachable'
  | 'client.timeout'
  | 'client.http_error'
  | 'client.invalid_response'
  | 'client.misconfigured';

/** What went wrong, as a kind a program can switch on. */
export type ClientCauseKind =
  | 'configuration'
  | 'connection'
  | 'timeout'
  | 'deadline'
  | 'aborted'
  | 'http_status'
  | 'media_type'
  | 'too_large'
  | 'invalid_body'
  | 'internal';

/** Why the SDK made the decision itself: the HTTP status and error code when a response arrived. */
export interface ClientCause {
  kind: ClientCauseKind;
  status?: number;
  /** The gateway's `error.code` (e.g. `auth.invalid_key`), when it sent one. */
  code?: string;
  message: string;
}

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
  /** Why no gateway decision arrived; `explain.next_steps` says what to fix. */
  cause: ClientCause;
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
  cause: ClientCause;
  request_id?: string;
  claims?: undefined;
}

/** What `verifyPassport()` returns. */
export type PassportVerificationResult = PassportVerification | ClientPassportVerification;

export function isClientDecision(decision: PreflightDecision): decision is ClientDecision {
  return decision.source === 'client';
}
