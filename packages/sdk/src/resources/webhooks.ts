import type { ActPass } from '../client.js';
import type { RequestOptions, Schemas, WithResponse } from '../core/types.js';
import {
  WebhookDeletionSchema,
  WebhookDeliveryListSchema,
  WebhookDeliverySchema,
  WebhookListSchema,
  WebhookSchema,
} from '../schemas/webhooks.js';

export interface ListWebhookDeliveriesParams {
  status?: Schemas['WebhookDeliveryStatus'];
  webhook_id?: string;
  /** 1–500, default 100. */
  limit?: number;
}

/**
 * Webhook endpoints and their delivery log (admin). Receivers verify deliveries with `verifyWebhook`
 * from `@actpass/sdk/webhooks`, which needs no client.
 */
export class Webhooks {
  constructor(private readonly client: ActPass) {}

  /** Needs the `admin` role. Secrets are never returned; URLs are shortened. */
  list(options?: RequestOptions): Promise<WithResponse<Schemas['WebhookList']>> {
    return this.client.request({ method: 'GET', path: '/webhooks', schema: WebhookListSchema, options });
  }

  /** Needs the `admin` role. */
  get(id: string, options?: RequestOptions): Promise<WithResponse<Schemas['Webhook']>> {
    const path = `/webhooks/${encodeURIComponent(id)}`;
    return this.client.request({ method: 'GET', path, schema: WebhookSchema, options });
  }

  /**
   * Needs the `admin` role. Creates or replaces endpoint `id`; without `secret` a new endpoint gets a
   * generated one, returned once in `secret`.
   */
  put(
    id: string,
    params: Schemas['PutWebhookRequest'],
    options?: RequestOptions,
  ): Promise<WithResponse<Schemas['Webhook']>> {
    const path = `/webhooks/${encodeURIComponent(id)}`;
    return this.client.request({ method: 'PUT', path, body: params, schema: WebhookSchema, options });
  }

  /** Needs the `admin` role. */
  delete(id: string, options?: RequestOptions): Promise<WithResponse<Schemas['WebhookDeletion']>> {
    const path = `/webhooks/${encodeURIComponent(id)}`;
    return this.client.request({ method: 'DELETE', path, schema: WebhookDeletionSchema, options });
  }

  /** Needs the `admin` role. Newest first: pending, delivered and dead-lettered deliveries. */
  deliveries(
    params: ListWebhookDeliveriesParams = {},
    options?: RequestOptions,
  ): Promise<WithResponse<Schemas['WebhookDeliveryList']>> {
    return this.client.request({
      method: 'GET',
      path: '/webhook-deliveries',
      query: { status: params.status, webhook_id: params.webhook_id, limit: params.limit },
      schema: WebhookDeliveryListSchema,
      options,
    });
  }

  /** Needs the `admin` role. Queues a dead (or delivered) delivery for a new round of attempts. */
  retry(id: string, options?: RequestOptions): Promise<WithResponse<Schemas['WebhookDelivery']>> {
    const path = `/webhook-deliveries/${encodeURIComponent(id)}/retry`;
    return this.client.request({ method: 'POST', path, schema: WebhookDeliverySchema, options });
  }
}
