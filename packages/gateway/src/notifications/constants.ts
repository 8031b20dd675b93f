/** Every default of webhook delivery, in one place. */

/** Events a webhook endpoint may subscribe to. */
export const WEBHOOK_EVENT_TYPES = [
  'approval.requested',
  'approval.approved',
  'approval.denied',
  'approval.expired',
  'decision.blocked',
] as const;

export const WEBHOOK_FORMATS = ['json', 'slack'] as const;

/** `whsec_` + base64 of this many random bytes, as Standard Webhooks secrets are. */
export const WEBHOOK_SECRET_PREFIX = 'whsec_';
export const WEBHOOK_SECRET_BYTES = 24;
export const WEBHOOK_SECRET_MIN_BYTES = 16;
export const WEBHOOK_SECRET_MAX_BYTES = 64;

export const WEBHOOK_EVENT_ID_PREFIX = 'msg_';
export const WEBHOOK_DELIVERY_ID_PREFIX = 'whd_';

/** One attempt may take this long (connect, headers and body) before it counts as failed. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** Attempts before a delivery is dead-lettered: about 1.5 h of retries with the backoff below. */
export const WEBHOOK_MAX_ATTEMPTS = 8;
/** The wait after the first failure; each later wait is three times the previous, up to the cap. */
export const WEBHOOK_BACKOFF_BASE_MS = 5_000;
export const WEBHOOK_BACKOFF_FACTOR = 3;
export const WEBHOOK_BACKOFF_CAP_MS = 60 * 60 * 1000;
/** Up to this fraction is added at random to each wait, so receivers coming back are not stampeded. */
export const WEBHOOK_BACKOFF_JITTER = 0.25;
/** Attempts in flight at once, across every endpoint of the process. */
export const WEBHOOK_CONCURRENCY = 8;
/** Deliveries kept for the delivery log (dead ones first to stay); older finished ones are forgotten. */
export const WEBHOOK_DELIVERY_LOG_MAX = 2_000;
/** Deliveries waiting to be sent; past this, new ones are dead-lettered at once ("queue full"). */
export const WEBHOOK_QUEUE_MAX = 10_000;
/** How often held requests are checked for expiry so `approval.expired` goes out without a reader. */
export const WEBHOOK_EXPIRY_SWEEP_MS = 15_000;
/** Endpoints per tenant. */
export const WEBHOOK_ENDPOINTS_MAX = 50;
/** How long agent strings may be inside a Slack message before they are cut. */
export const SLACK_FIELD_MAX_CHARS = 300;
