export { ActPass, type ClientOptions } from './client.js';
export * as constants from './constants.js';
export type {
  ClientCause,
  ClientCauseKind,
  ClientDecision,
  ClientPassportVerification,
  ClientReasonCode,
  PassportVerificationResult,
  PreflightDecision,
} from './core/decision.js';
export { isClientDecision } from './core/decision.js';
export {
  ActPassError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  DeadlineExceededError,
  InternalServerError,
  InvalidResponseError,
  type InvalidResponseKind,
  MisconfiguredError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  UnprocessableEntityError,
} from './core/errors.js';
export type { ExecuteContext, GuardParams, GuardResult } from './core/guard.js';
export type { Logger } from './core/logger.js';
export type * from './core/types.js';
export type { HeadersInit } from './internal/headers.js';
export type { LogLevel } from './internal/logging.js';
export type { Approvals, ListApprovalsParams, WaitForApprovalOptions } from './resources/approvals.js';
export type { Credentials } from './resources/credentials.js';
export type { Evidence, EvidenceFilters, ListEvidenceParams } from './resources/evidence.js';
export type { PolicyResource, SimulatePolicyParams } from './resources/policy.js';
export type { Reports, RolloutReportParams } from './resources/reports.js';
export type { ListSuspensionsParams, Suspensions } from './resources/suspensions.js';
export type { Tools } from './resources/tools.js';
export type { ListWebhookDeliveriesParams, Webhooks } from './resources/webhooks.js';
// Verifying deliveries is `@actpass/sdk/webhooks` (no client needed); its types are here too.
export type {
  VerifyWebhookOptions,
  WebhookEvent,
  WebhookEventType,
  WebhookHeaders,
  WebhookVerificationErrorCode,
} from './webhooks.js';
