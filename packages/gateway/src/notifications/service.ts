/**
 * Notifications: which endpoints want which events, turning gateway events into deliveries, and the
 * admin's view of both. The decision path only ever calls `publish*`, which builds the body and hands
 * it to the dispatcher's queue without awaiting anything.
 */
import { escapeUnsafeInJson } from '@actpass/edge';
import type { JsonObject } from '../policy/index.js';
import { InvalidInputError, NotFoundError, StateConflictError } from '../store/errors.js';
import type { ApprovalRecord } from '../store/types.js';
import {
  WEBHOOK_DELIVERY_ID_PREFIX,
  WEBHOOK_ENDPOINTS_MAX,
  WEBHOOK_EVENT_ID_PREFIX,
  WEBHOOK_EVENT_TYPES,
} from './constants.js';
import {
  type AttemptOutcome,
  DEFAULT_DELIVERY_SETTINGS,
  type DeliverySettings,
  Dispatcher,
} from './dispatcher.js';
import {
  checkEndpointUrl,
  displayUrl,
  endpointFromConfig,
  newWebhookSecret,
  secretKey,
  type WebhookEndpoint,
  type WebhookEndpointConfig,
  type WebhookEventType,
  type WebhookFormat,
} from './endpoint.js';
import {
  APPROVAL_EVENT_BY_STATUS,
  approvalEvent,
  type BlockedDecision,
  blockedDecisionEvent,
  type WebhookEvent,
} from './event.js';
import { newId } from './ids.js';
import { slackMessage } from './slack.js';
import { type Delivery, DeliveryLog, type DeliveryStatus, WebhookRegistry } from './store.js';

export interface NotificationsOptions {
  endpoints?: WebhookEndpointConfig[];
  /** The console's public URL (e.g. `https://actpass.example.com/console/`), for links in messages. */
  consoleUrl?: string;
  delivery?: Partial<DeliverySettings>;
  nowMs: () => number;
  /** The gateway's tenants: an endpoint from configuration must name one of them. */
  tenants?: ReadonlySet<string>;
  onAttempt?: (outcome: AttemptOutcome, delivery: Delivery) => void;
  /** Tests: the HTTP client and the jitter source. */
  fetch?: typeof fetch;
  random?: () => number;
}

export interface PutEndpointInput {
  url: string;
  events: string[];
  format?: string;
  secret?: string;
  enabled?: boolean;
}

export class Notifications {
  readonly registry = new WebhookRegistry();
  readonly log: DeliveryLog;
  readonly dispatcher: Dispatcher;
  readonly settings: DeliverySettings;
  readonly #consoleUrl: string | undefined;
  readonly #nowMs: () => number;

  constructor(options: NotificationsOptions) {
    this.#nowMs = options.nowMs;
    this.#consoleUrl = options.consoleUrl;
    this.settings = { ...DEFAULT_DELIVERY_SETTINGS, ...options.delivery };
    this.log = new DeliveryLog();
    const now = new Date(options.nowMs()).toISOString();
    (options.endpoints ?? []).forEach((entry, index) => {
      this.registry.put(endpointFromConfig(entry, index, now, options.tenants));
    });
    this.dispatcher = new Dispatcher({
      log: this.log,
      endpoint: (tenantId, id) => this.registry.get(tenantId, id),
      settings: this.settings,
      nowMs: options.nowMs,
      ...(options.onAttempt ? { onAttempt: options.onAttempt } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
  }

  // --- events in ---------------------------------------------------------------------------------

  /** An approval request moved to `record.status`; statuses without an event are ignored. */
  publishApproval(record: ApprovalRecord): void {
    const type = APPROVAL_EVENT_BY_STATUS[record.status];
    if (!type) return;
    this.#publish(record.tenant_id, type, (id, at) => approvalEvent(id, type, record, at, this.#consoleUrl));
  }

  publishBlocked(tenantId: string, decision: BlockedDecision): void {
    this.#publish(tenantId, 'decision.blocked', (id, at) =>
      blockedDecisionEvent(id, tenantId, decision, at, this.#consoleUrl),
    );
  }

  #publish(tenantId: string, type: WebhookEventType, build: (id: string, at: string) => WebhookEvent): void {
    const endpoints = this.registry.subscribed(tenantId, type);
    if (endpoints.length === 0) return;
    const createdAt = new Date(this.#nowMs()).toISOString();
    const event = build(newId(WEBHOOK_EVENT_ID_PREFIX), createdAt);
    const bodies: Partial<Record<WebhookFormat, string>> = {};
    for (const endpoint of endpoints) {
      bodies[endpoint.format] ??= renderBody(event, endpoint.format);
      this.dispatcher.enqueue({
        id: newId(WEBHOOK_DELIVERY_ID_PREFIX),
        tenantId,
        webhookId: endpoint.id,
        eventId: event.id,
        eventType: type,
        status: 'pending',
        attempts: 0,
        maxAttempts: this.settings.maxAttempts,
        createdAt,
        lastAttemptAt: null,
        nextAttemptAt: createdAt,
        deliveredAt: null,
        lastStatus: null,
        lastError: null,
        body: bodies[endpoint.format] as string,
      });
    }
  }

  // --- the admin's operations ----------------------------------------------------------------------

  listEndpoints(tenantId: string): WebhookEndpoint[] {
    return this.registry.list(tenantId);
  }

  getEndpoint(tenantId: string, id: string): WebhookEndpoint {
    const endpoint = this.registry.get(tenantId, id);
    if (!endpoint) throw new NotFoundError(`No webhook endpoint ${id}.`);
    return endpoint;
  }

  /**
   * Creates or replaces an endpoint; `generatedSecret` is set only when this call made the secret.
   * `record` (the ledger) is told first, without the secret or the full URL; the change happens only
   * once it has been recorded.
   */
  async putEndpoint(
    tenantId: string,
    id: string,
    input: PutEndpointInput,
    record: (data: JsonObject) => Promise<void> = async () => undefined,
  ): Promise<{ endpoint: WebhookEndpoint; generatedSecret?: string }> {
    const existing = this.registry.get(tenantId, id);
    if (existing?.source === 'config') {
      throw new StateConflictError(
        'webhook.configured',
        `Webhook endpoint ${id} comes from the gateway's configuration; change it there.`,
      );
    }
    if (!existing && this.registry.list(tenantId).length >= WEBHOOK_ENDPOINTS_MAX) {
      const message = `a tenant may have at most ${WEBHOOK_ENDPOINTS_MAX} webhook endpoints; delete one first`;
      throw new InvalidInputError(`path.id: ${message}.`, [{ path: 'path.id', message }]);
    }
    checkEndpointUrl(input.url);
    if (input.secret !== undefined) secretKey(input.secret);
    const generated = input.secret === undefined && !existing ? newWebhookSecret() : undefined;
    const now = new Date(this.#nowMs()).toISOString();
    const endpoint: WebhookEndpoint = {
      id,
      tenantId,
      url: input.url,
      events: [...new Set(input.events)].filter((event): event is WebhookEventType =>
        (WEBHOOK_EVENT_TYPES as readonly string[]).includes(event),
      ),
      format: (input.format ?? 'json') as WebhookFormat,
      secret: input.secret ?? generated ?? (existing as WebhookEndpoint).secret,
      enabled: input.enabled !== false,
      source: 'api',
      createdAt: existing?.createdAt ?? now,
      updatedAt: now,
    };
    await record({
      webhook_id: id,
      url: displayUrl(endpoint.url),
      events: endpoint.events,
      format: endpoint.format,
      enabled: endpoint.enabled,
      secret: generated ? 'generated' : input.secret !== undefined ? 'given' : 'kept',
    });
    this.registry.put(endpoint);
    return generated ? { endpoint, generatedSecret: generated } : { endpoint };
  }

  async deleteEndpoint(
    tenantId: string,
    id: string,
    record: (data: JsonObject) => Promise<void> = async () => undefined,
  ): Promise<void> {
    const existing = this.getEndpoint(tenantId, id);
    if (existing.source === 'config') {
      throw new StateConflictError(
        'webhook.configured',
        `Webhook endpoint ${id} comes from the gateway's configuration; remove it there.`,
      );
    }
    await record({ webhook_id: id });
    this.registry.delete(tenantId, id);
  }

  listDeliveries(
    tenantId: string,
    filter: { status?: DeliveryStatus; webhookId?: string; limit: number },
  ): Delivery[] {
    return this.log.list(tenantId, filter);
  }

  retryDelivery(tenantId: string, id: string): Delivery {
    const delivery = this.log.get(tenantId, id);
    if (!delivery) throw new NotFoundError(`No webhook delivery ${id}.`);
    if (delivery.status === 'pending') {
      throw new StateConflictError(
        'webhook.delivery_pending',
        `Webhook delivery ${id} is still pending; it will be attempted again at ${delivery.nextAttemptAt ?? 'once'}.`,
      );
    }
    this.getEndpoint(tenantId, delivery.webhookId);
    this.dispatcher.requeue(delivery);
    return delivery;
  }

  /** Tenants where someone listens for `approval.expired` (the expiry sweep only looks at those). */
  tenantsWatchingExpiry(): Set<string> {
    return this.registry.tenantsFor('approval.expired');
  }

  readonly #onClose: Array<() => void> = [];

  /** Runs `stop` when the notifications close (the expiry sweep's timer). */
  onClose(stop: () => void): void {
    this.#onClose.push(stop);
  }

  close(): void {
    for (const stop of this.#onClose.splice(0)) stop();
    this.dispatcher.close();
  }
}

/** The bytes sent: the event itself (generic JSON) or a Slack message made from it. */
export function renderBody(event: WebhookEvent, format: WebhookFormat): string {
  const value = format === 'slack' ? slackMessage(event) : event;
  // Bidi and C1 controls travel as \u escapes, so a receiver's log line cannot be reordered by them.
  return escapeUnsafeInJson(JSON.stringify(value));
}
