import type { Schemas } from '../core/types.js';
import type { Assert, SameShape } from './check.js';
import { Timestamp } from './common.js';
import * as z from './z.js';

const WebhookEventType = z.enum([
  'approval.requested',
  'approval.approved',
  'approval.denied',
  'approval.expired',
  'decision.blocked',
]);

export const WebhookSchema = z.object({
  id: z.string(),
  url: z.string(),
  events: z.array(WebhookEventType),
  format: z.enum(['json', 'slack']),
  enabled: z.boolean(),
  source: z.enum(['api', 'config']),
  created_at: Timestamp,
  updated_at: Timestamp,
  secret: z.optional(z.string()),
});

export const WebhookListSchema = z.object({ items: z.array(WebhookSchema) });

export const WebhookDeletionSchema = z.object({ id: z.string(), deleted: z.boolean() });

export const WebhookDeliverySchema = z.object({
  id: z.string().check(z.regex(/^whd_[A-Za-z0-9_-]+$/)),
  webhook_id: z.string(),
  event_id: z.string(),
  event_type: WebhookEventType,
  status: z.enum(['pending', 'delivered', 'dead']),
  attempts: z.number(),
  max_attempts: z.number(),
  created_at: Timestamp,
  last_attempt_at: z.nullable(Timestamp),
  next_attempt_at: z.nullable(Timestamp),
  delivered_at: z.nullable(Timestamp),
  last_status: z.nullable(z.number()),
  last_error: z.nullable(z.string()),
});

export const WebhookDeliveryListSchema = z.object({ items: z.array(WebhookDeliverySchema) });

export type _WebhooksInSync = [
  Assert<SameShape<z.infer<typeof WebhookSchema>, Schemas['Webhook']>>,
  Assert<SameShape<z.infer<typeof WebhookListSchema>, Schemas['WebhookList']>>,
  Assert<SameShape<z.infer<typeof WebhookDeletionSchema>, Schemas['WebhookDeletion']>>,
  Assert<SameShape<z.infer<typeof WebhookDeliverySchema>, Schemas['WebhookDelivery']>>,
  Assert<SameShape<z.infer<typeof WebhookDeliveryListSchema>, Schemas['WebhookDeliveryList']>>,
];
