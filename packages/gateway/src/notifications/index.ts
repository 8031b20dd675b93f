export { readWebhooksFile, WebhooksFileError } from './config-file.js';
export { WEBHOOK_EVENT_TYPES, WEBHOOK_FORMATS } from './constants.js';
export { type AttemptOutcome, backoffMs, type DeliverySettings } from './dispatcher.js';
export {
  checkEndpointUrl,
  displayUrl,
  publicEndpoint,
  type WebhookEndpoint,
  type WebhookEndpointConfig,
  type WebhookEventType,
  type WebhookFormat,
} from './endpoint.js';
export type { BlockedDecision, WebhookEvent } from './event.js';
export { notifyingApprovals, notifyingLedger, sweepExpiries } from './observe.js';
export { Notifications, type NotificationsOptions, type PutEndpointInput, renderBody } from './service.js';
export { signatureOf, signedHeaders } from './signature.js';
export { slackCode, slackMessage, slackText } from './slack.js';
export { type Delivery, type DeliveryStatus, publicDelivery } from './store.js';
export { createNotifications, type WebhooksConfig, watchExpiries, withNotifications } from './wire.js';
