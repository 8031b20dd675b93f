import { CLIENT_DECISION_RISK_TIER } from '../constants.js';
import type {
  ClientCause,
  ClientDecision,
  ClientPassportVerification,
  ClientReasonCode,
} from '../core/decision.js';
import {
  ActPassError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  DeadlineExceededError,
  InvalidResponseError,
  MisconfiguredError,
} from '../core/errors.js';
import type { Mode } from '../core/types.js';
import { isTimeoutReason } from './signals.js';

interface Diagnosis {
  reason: ClientReasonCode;
  cause: ClientCause;
  requestId: string | null;
  /** What to do about it, as specific as the cause allows. */
  nextStep: string;
}

const STEPS = {
  unreachable: 'Check that the gateway is running and that baseUrl (or ACTPASS_BASE_URL) points at it.',
  timeout: 'Check the gateway’s health and latency, or raise timeoutMs / deadlineMs.',
  mediaType:
    'Check that baseUrl points at an ActPass gateway: this answer did not come from one (a proxy, a login page?).',
  tooLarge:
    'Check that baseUrl points at an ActPass gateway; raise maxResponseBytes only if you expect large answers.',
  invalidBody: 'Check that baseUrl points at an ActPass gateway of a compatible version.',
  apiKey:
    'Check the API key (apiKey or ACTPASS_API_KEY): the gateway does not know it. `actpass dev` prints its keys when it starts.',
  tenant:
    'Check tenantId: the API key belongs to another tenant. Use that tenant’s id, or drop tenantId (the key decides the tenant).',
  role: 'The API key’s role may not call this operation: use a key with the needed role (agent, approver or admin).',
  baseUrl:
    'Check baseUrl: it must be the gateway’s root (e.g. http://127.0.0.1:8787), without a path such as /api/v1.',
  rateLimited: 'The gateway is rate-limiting this key: slow down, or retry after the time it asked for.',
  server:
    'The gateway failed: look up the request id in the gateway’s log (`actpass dev` prints one line per request).',
  conflict: 'Another request holds this idempotency key or state: retry with a new call.',
  internal: 'This is a bug or a broken runtime (fetch, crypto): report it with the message above.',
} as const;

/** Why a call failed: a client reason code, the cause, and the specific next step. */
export function diagnose(error: unknown): Diagnosis {
  if (error instanceof MisconfiguredError) {
    const cause: ClientCause = { kind: 'configuration', message: error.message };
    return { reason: 'client.misconfigured', cause, requestId: null, nextStep: error.fix };
  }
  if (error instanceof InvalidResponseError) {
    const step = { media_type: STEPS.mediaType, too_large: STEPS.tooLarge, invalid_body: STEPS.invalidBody };
    return {
      reason: 'client.invalid_response',
      cause: { kind: error.kind, status: error.status, message: error.message },
      requestId: error.requestId,
      nextStep: step[error.kind],
    };
  }
  if (error instanceof APIUserAbortError) {
    const timedOut = isTimeoutReason(error.cause);
    const message = `the caller's signal aborted the call${timedOut ? ' (its timeout fired)' : ''}`;
    return {
      reason: timedOut ? 'client.timeout' : 'client.unreachable',
      cause: { kind: 'aborted', message },
      requestId: null,
      nextStep: timedOut ? STEPS.timeout : 'The call was cancelled by its own signal; nothing was decided.',
    };
  }
  if (error instanceof APIConnectionTimeoutError) {
    const kind = error instanceof DeadlineExceededError ? 'deadline' : 'timeout';
    return {
      reason: 'client.timeout',
      cause: { kind, message: error.message },
      requestId: null,
      nextStep: STEPS.timeout,
    };
  }
  if (error instanceof APIConnectionError) {
    const cause: ClientCause = { kind: 'connection', message: error.message };
    return { reason: 'client.unreachable', cause, requestId: null, nextStep: STEPS.unreachable };
  }
  if (error instanceof APIError) {
    const cause: ClientCause = {
      kind: 'http_status',
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.code === undefined ? {} : { code: error.code }),
      message: `the gateway answered ${error.message}`,
    };
    return { reason: 'client.http_error', cause, requestId: error.requestId, nextStep: statusStep(error) };
  }
  // Not a transport problem at all (a bug, a broken polyfill): still never an allow.
  const what = error instanceof ActPassError || error instanceof Error ? error.message : String(error);
  const cause: ClientCause = { kind: 'internal', message: `unexpected client error: ${what}` };
  return { reason: 'client.misconfigured', cause, requestId: null, nextStep: STEPS.internal };
}

function statusStep(error: APIError): string {
  const { status, code } = error;
  if (status === 401) return STEPS.apiKey;
  if (status === 403) return code === 'auth.tenant_mismatch' ? STEPS.tenant : STEPS.role;
  // A gateway's own 404 on a decision call means the route is not there: the base URL is wrong.
  if (status === 404) return STEPS.baseUrl;
  if (status === 400 || status === 422) return badRequestStep(error);
  if (status === 429) return STEPS.rateLimited;
  if (status === 409) return STEPS.conflict;
  return STEPS.server;
}

/** Names the field the gateway complained about, when its error body says which one. */
function badRequestStep(error: APIError): string {
  const body = error.body as { error?: { message?: unknown; details?: unknown } } | undefined;
  const details = Array.isArray(body?.error?.details) ? body.error.details : [];
  const first = details[0] as { path?: unknown; message?: unknown } | undefined;
  if (first && typeof first.path === 'string') {
    const why = typeof first.message === 'string' ? `: ${first.message}` : '';
    return `Fix the request field \`${first.path}\`${why}.`;
  }
  const message = body?.error?.message;
  return typeof message === 'string'
    ? `Fix the request: ${message}`
    : 'Fix the request the gateway rejected (see the cause).';
}

/**
 * The SDK's own decision when the gateway gave none: deny, enforced unless the call was in `monitor`
 * (the one observe-only mode, where the action runs and this decision records why it was unchecked).
 */
export function clientDecision(error: unknown, mode: Mode): ClientDecision {
  const { reason, cause, requestId, nextStep } = diagnose(error);
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
      summary: `No decision from ActPass: ${cause.message}; ${consequence}.`,
      matched_rules: [],
      next_steps: [nextStep],
    },
    cause,
    ...(requestId ? { request_id: requestId } : {}),
    decided_at: new Date().toISOString(),
  };
}

/** The SDK's own answer when the gateway could not verify a passport: not valid. */
export function clientVerification(error: unknown): ClientPassportVerification {
  const { reason, cause, requestId } = diagnose(error);
  return {
    valid: false,
    reason_code: reason,
    message: `No verification from ActPass: ${cause.message}; treat the passport as invalid.`,
    source: 'client',
    cause,
    ...(requestId ? { request_id: requestId } : {}),
  };
}
