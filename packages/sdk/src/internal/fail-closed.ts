import { CLIENT_DECISION_RISK_TIER } from '../constants.js';
import type { ClientDecision, ClientPassportVerification, ClientReasonCode } from '../core/decision.js';
import {
  ActPassError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  InvalidResponseError,
  MisconfiguredError,
} from '../core/errors.js';
import type { Mode } from '../core/types.js';
import { isTimeoutReason } from './signals.js';

interface Diagnosis {
  reason: ClientReasonCode;
  /** What happened, in words, for `explain.summary`. */
  what: string;
  requestId: string | null;
}

/** Why a call failed, as a SPEC §9 client reason code. */
export function diagnose(error: unknown): Diagnosis {
  if (error instanceof MisconfiguredError) {
    return { reason: 'client.misconfigured', what: error.message, requestId: null };
  }
  if (error instanceof InvalidResponseError) {
    return { reason: 'client.invalid_response', what: error.message, requestId: error.requestId };
  }
  if (error instanceof APIUserAbortError) {
    const timedOut = isTimeoutReason(error.cause);
    return {
      reason: timedOut ? 'client.timeout' : 'client.unreachable',
      what: `the caller's signal aborted the call${timedOut ? ' (its timeout fired)' : ''}`,
      requestId: null,
    };
  }
  if (error instanceof APIConnectionTimeoutError) {
    return { reason: 'client.timeout', what: error.message, requestId: null };
  }
  if (error instanceof APIConnectionError) {
    return { reason: 'client.unreachable', what: error.message, requestId: null };
  }
  if (error instanceof APIError) {
    return {
      reason: 'client.http_error',
      what: `the gateway answered ${error.message}`,
      requestId: error.requestId,
    };
  }
  // Not a transport problem at all (a bug, a broken polyfill): still never an allow.
  const what = error instanceof ActPassError || error instanceof Error ? error.message : String(error);
  return { reason: 'client.misconfigured', what: `unexpected client error: ${what}`, requestId: null };
}

const NEXT_STEPS: Record<ClientReasonCode, string> = {
  'client.unreachable': 'Check that the gateway is running and that baseUrl points at it.',
  'client.timeout': 'Check the gateway’s health and latency, or raise timeoutMs.',
  'client.http_error': 'Look up the request id in the gateway’s logs.',
  'client.invalid_response': 'Check that baseUrl points at an ActPass gateway of a compatible version.',
  'client.misconfigured': 'Set apiKey (or ACTPASS_API_KEY) and a valid baseUrl (or ACTPASS_BASE_URL).',
};

/**
 * The SDK's own decision when the gateway gave none: deny, enforced unless the call was in `monitor`
 * (the one observe-only mode, where the action runs and this decision records why it was unchecked).
 */
export function clientDecision(error: unknown, mode: Mode): ClientDecision {
  const { reason, what, requestId } = diagnose(error);
  const monitor = mode === 'monitor';
  const consequence = monitor
    ? 'monitor mode: the action is not enforced and runs unchecked'
    : 'the action is blocked (fail closed)';
  return {
    decision: 'deny',
    reason_code: reason,
    risk_tier: CLIENT_DECISION_RISK_TIER,
    mode,
    enforced: !monitor,
    source: 'client',
    ...(mode === 'monitor' || mode === 'warn' ? { would_decision: 'deny' as const } : {}),
    explain: {
      summary: `No decision from ActPass: ${what}; ${consequence}.`,
      matched_rules: [],
      next_steps: [NEXT_STEPS[reason]],
    },
    ...(requestId ? { request_id: requestId } : {}),
    decided_at: new Date().toISOString(),
  };
}

/** The SDK's own answer when the gateway could not verify a passport: not valid. */
export function clientVerification(error: unknown): ClientPassportVerification {
  const { reason, what, requestId } = diagnose(error);
  return {
    valid: false,
    reason_code: reason,
    message: `No verification from ActPass: ${what}; treat the passport as invalid.`,
    source: 'client',
    ...(requestId ? { request_id: requestId } : {}),
  };
}
