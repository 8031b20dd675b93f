/**
 * Endpoints and the delivery log, in this process's memory. Endpoints from configuration are loaded
 * at start on every process; endpoints added through the API live in the process that took the
 * request (see docs/notifications.md for several processes). The log is bounded: finished deliveries
 * beyond `WEBHOOK_DELIVERY_LOG_MAX` are forgotten oldest first, dead ones last.
 */
import { WEBHOOK_DELIVERY_LOG_MAX } from './constants.js';
import type { WebhookEndpoint, WebhookEventType } from './endpoint.js';

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface Delivery {
  id: string;
  tenantId: string;
  webhookId: string;
  eventId: string;
  eventType: WebhookEventType;
  status: DeliveryStatus;
  attempts: number;
  maxAttempts: number;
  createdAt: string;
  lastAttemptAt: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  lastStatus: number | null;
  lastError: string | null;
  /** The exact bytes signed and sent on every attempt. */
  body: string;
}

export class WebhookRegistry {
  readonly #endpoints = new Map<string, WebhookEndpoint>();

  #key(tenantId: string, id: string): string {
    return JSON.stringify([tenantId, id]);
  }

  get(tenantId: string, id: string): WebhookEndpoint | undefined {
    return this.#endpoints.get(this.#key(tenantId, id));
  }

  put(endpoint: WebhookEndpoint): void {
    this.#endpoints.set(this.#key(endpoint.tenantId, endpoint.id), endpoint);
  }

  delete(tenantId: string, id: string): boolean {
    return this.#endpoints.delete(this.#key(tenantId, id));
  }

  list(tenantId: string): WebhookEndpoint[] {
    return [...this.#endpoints.values()]
      .filter((endpoint) => endpoint.tenantId === tenantId)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  subscribed(tenantId: string, type: WebhookEventType): WebhookEndpoint[] {
    return this.list(tenantId).filter((endpoint) => endpoint.enabled && endpoint.events.includes(type));
  }

  /** Tenants with at least one enabled endpoint for `type`. */
  tenantsFor(type: WebhookEventType): Set<string> {
    const tenants = new Set<string>();
    for (const endpoint of this.#endpoints.values()) {
      if (endpoint.enabled && endpoint.events.includes(type)) tenants.add(endpoint.tenantId);
    }
    return tenants;
  }
}

export class DeliveryLog {
  readonly #byId = new Map<string, Delivery>();

  constructor(private readonly max = WEBHOOK_DELIVERY_LOG_MAX) {}

  add(delivery: Delivery): void {
    this.#byId.set(delivery.id, delivery);
    if (this.#byId.size > this.max) this.#forgetOne();
  }

  get(tenantId: string, id: string): Delivery | undefined {
    const found = this.#byId.get(id);
    return found && found.tenantId === tenantId ? found : undefined;
  }

  /** Newest first. */
  list(tenantId: string, filter: { status?: DeliveryStatus; webhookId?: string; limit: number }): Delivery[] {
    const out: Delivery[] = [];
    const all = [...this.#byId.values()];
    for (let index = all.length - 1; index >= 0 && out.length < filter.limit; index--) {
      const delivery = all[index] as Delivery;
      if (delivery.tenantId !== tenantId) continue;
      if (filter.status && delivery.status !== filter.status) continue;
      if (filter.webhookId && delivery.webhookId !== filter.webhookId) continue;
      out.push(delivery);
    }
    return out;
  }

  /** The oldest delivered one goes first; only when none is left does the oldest dead one go. */
  #forgetOne(): void {
    for (const status of ['delivered', 'dead'] as const) {
      for (const [id, delivery] of this.#byId) {
        if (delivery.status === status) {
          this.#byId.delete(id);
          return;
        }
      }
    }
  }
}

/** The contract's `WebhookDelivery`. */
export function publicDelivery(delivery: Delivery) {
  return {
    id: delivery.id,
    webhook_id: delivery.webhookId,
    event_id: delivery.eventId,
    event_type: delivery.eventType,
    status: delivery.status,
    attempts: delivery.attempts,
    max_attempts: delivery.maxAttempts,
    created_at: delivery.createdAt,
    last_attempt_at: delivery.lastAttemptAt,
    next_attempt_at: delivery.nextAttemptAt,
    delivered_at: delivery.deliveredAt,
    last_status: delivery.lastStatus,
    last_error: delivery.lastError,
  };
}
