/**
 * How the gateway's wiring (config/services.ts) takes notifications in: the options from
 * `GatewayConfig.webhooks`, and the stores wrapped so approvals and blocking decisions are published.
 */

import type { LedgerStore } from '../ledger/index.js';
import type { GatewayMetrics } from '../metrics/index.js';
import type { ApprovalStore } from '../store/types.js';
import type { DeliverySettings } from './dispatcher.js';
import type { WebhookEndpointConfig } from './endpoint.js';
import { webhookMetrics } from './metrics.js';
import { notifyingApprovals, notifyingLedger, sweepExpiries } from './observe.js';
import { Notifications } from './service.js';

export interface WebhooksConfig {
  /** Endpoints every process loads at start (the admin API cannot change or delete these). */
  endpoints?: WebhookEndpointConfig[];
  /** The console's public URL (e.g. `https://actpass.example.com/console/`), for links in messages. */
  consoleUrl?: string;
  /** Attempt timeout, attempts before dead-lettering, backoff; the defaults suit production. */
  delivery?: Partial<DeliverySettings>;
  /** How often held requests are checked for expiry, for `approval.expired`. */
  expirySweepMs?: number;
  /** Tests: the HTTP client deliveries use. */
  fetch?: typeof fetch;
}

export function createNotifications(
  config: WebhooksConfig | undefined,
  nowMs: () => number,
  metrics: GatewayMetrics | null,
  tenantIds?: Iterable<string>,
): Notifications {
  let notifications: Notifications | undefined;
  const onAttempt = metrics
    ? webhookMetrics(metrics, () => notifications?.dispatcher.pending ?? 0)
    : undefined;
  notifications = new Notifications({
    nowMs,
    ...(tenantIds ? { tenants: new Set(tenantIds) } : {}),
    ...(config?.endpoints ? { endpoints: config.endpoints } : {}),
    ...(config?.consoleUrl ? { consoleUrl: config.consoleUrl } : {}),
    ...(config?.delivery ? { delivery: config.delivery } : {}),
    ...(config?.fetch ? { fetch: config.fetch } : {}),
    ...(onAttempt ? { onAttempt } : {}),
  });
  return notifications;
}

/** The same stores, the approval and ledger stores publishing what they record. */
export function withNotifications<S extends { approvals: ApprovalStore; ledger: LedgerStore }>(
  stores: S,
  notifications: Notifications,
): S {
  return {
    ...stores,
    approvals: notifyingApprovals(stores.approvals, notifications),
    ledger: notifyingLedger(stores.ledger, notifications),
  };
}

/** Starts the expiry sweep; `notifications.close()` stops it with the dispatcher. */
export function watchExpiries(
  notifications: Notifications,
  listPending: (tenantId: string) => Promise<unknown>,
  config: WebhooksConfig | undefined,
): void {
  notifications.onClose(sweepExpiries(notifications, listPending, config?.expirySweepMs));
}
