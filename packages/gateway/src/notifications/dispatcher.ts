/**
 * Sends deliveries off the decision path: `enqueue` only records a delivery and returns; attempts run
 * on timers, a few at a time, each bounded by a timeout, so a slow or hanging receiver costs a
 * socket, never a decision. A failed attempt waits (exponential backoff with jitter) and tries again
 * until `maxAttempts`, then the delivery is dead-lettered for a person to retry.
 *
 * What a delivery records of a failure is the gateway's own words ("connection refused", "HTTP 500",
 * "timed out after 10000 ms"): nothing the receiver sent back, and never the secret or the full URL.
 */
import {
  WEBHOOK_BACKOFF_BASE_MS,
  WEBHOOK_BACKOFF_CAP_MS,
  WEBHOOK_BACKOFF_FACTOR,
  WEBHOOK_BACKOFF_JITTER,
  WEBHOOK_CONCURRENCY,
  WEBHOOK_MAX_ATTEMPTS,
  WEBHOOK_QUEUE_MAX,
  WEBHOOK_TIMEOUT_MS,
} from './constants.js';
import type { WebhookEndpoint } from './endpoint.js';
import { signedHeaders } from './signature.js';
import type { Delivery, DeliveryLog } from './store.js';

export interface DeliverySettings {
  timeoutMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffFactor: number;
  backoffCapMs: number;
  jitter: number;
  concurrency: number;
  queueMax: number;
}

export const DEFAULT_DELIVERY_SETTINGS: DeliverySettings = {
  timeoutMs: WEBHOOK_TIMEOUT_MS,
  maxAttempts: WEBHOOK_MAX_ATTEMPTS,
  backoffBaseMs: WEBHOOK_BACKOFF_BASE_MS,
  backoffFactor: WEBHOOK_BACKOFF_FACTOR,
  backoffCapMs: WEBHOOK_BACKOFF_CAP_MS,
  jitter: WEBHOOK_BACKOFF_JITTER,
  concurrency: WEBHOOK_CONCURRENCY,
  queueMax: WEBHOOK_QUEUE_MAX,
};

export type AttemptOutcome = 'delivered' | 'failed' | 'dead';

export interface DispatcherDeps {
  log: DeliveryLog;
  endpoint(tenantId: string, webhookId: string): WebhookEndpoint | undefined;
  settings: DeliverySettings;
  /** Epoch ms for the log's timestamps (the gateway's clock). */
  nowMs: () => number;
  /** Told of every finished attempt (metrics). */
  onAttempt?: (outcome: AttemptOutcome, delivery: Delivery) => void;
  random?: () => number;
  fetch?: typeof fetch;
}

/** The wait after `attempts` failed attempts: base × factor^(attempts−1), capped, plus up to `jitter` of it. */
export function backoffMs(settings: DeliverySettings, attempts: number, random: number): number {
  const exponent = Math.max(0, attempts - 1);
  const wait = Math.min(settings.backoffCapMs, settings.backoffBaseMs * settings.backoffFactor ** exponent);
  return Math.round(wait * (1 + settings.jitter * random));
}

export class Dispatcher {
  readonly #ready: Delivery[] = [];
  readonly #timers = new Map<string, ReturnType<typeof setTimeout>>();
  readonly #inFlight = new Map<string, AbortController>();
  #pending = 0;
  #closed = false;

  constructor(private readonly deps: DispatcherDeps) {}

  /** Deliveries queued or waiting for a retry. */
  get pending(): number {
    return this.#pending;
  }

  /** Records the delivery and schedules its first attempt; never waits for the network. */
  enqueue(delivery: Delivery): void {
    this.deps.log.add(delivery);
    if (this.#closed) {
      this.#kill(delivery, 'the gateway was shutting down');
      return;
    }
    if (this.#pending >= this.deps.settings.queueMax) {
      this.#kill(delivery, `the delivery queue was full (${this.deps.settings.queueMax} waiting)`);
      return;
    }
    this.#pending += 1;
    this.#ready.push(delivery);
    queueMicrotask(() => this.#pump());
  }

  /** A `dead` or `delivered` delivery gets a new round of attempts, starting now. */
  requeue(delivery: Delivery): void {
    delivery.status = 'pending';
    delivery.attempts = 0;
    delivery.nextAttemptAt = new Date(this.deps.nowMs()).toISOString();
    delivery.deliveredAt = null;
    this.#pending += 1;
    this.#ready.push(delivery);
    queueMicrotask(() => this.#pump());
  }

  /** Stops every timer and aborts attempts in flight; what was pending stays pending in the log. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    for (const controller of this.#inFlight.values()) controller.abort();
    this.#ready.length = 0;
  }

  #pump(): void {
    while (!this.#closed && this.#inFlight.size < this.deps.settings.concurrency && this.#ready.length > 0) {
      const delivery = this.#ready.shift() as Delivery;
      const controller = new AbortController();
      this.#inFlight.set(delivery.id, controller);
      void this.#attempt(delivery, controller).finally(() => {
        this.#inFlight.delete(delivery.id);
        this.#pump();
      });
    }
  }

  async #attempt(delivery: Delivery, controller: AbortController): Promise<void> {
    const endpoint = this.deps.endpoint(delivery.tenantId, delivery.webhookId);
    if (!endpoint?.enabled) {
      this.#pending -= 1;
      this.#kill(delivery, 'the endpoint was deleted or disabled before delivery');
      return;
    }
    delivery.attempts += 1;
    delivery.lastAttemptAt = new Date(this.deps.nowMs()).toISOString();
    delivery.nextAttemptAt = null;
    const failure = await this.#send(endpoint, delivery, controller);
    if (this.#closed) return;
    if (failure === null) {
      this.#pending -= 1;
      delivery.status = 'delivered';
      delivery.deliveredAt = new Date(this.deps.nowMs()).toISOString();
      delivery.lastError = null;
      this.deps.onAttempt?.('delivered', delivery);
      return;
    }
    delivery.lastError = failure;
    if (delivery.attempts >= delivery.maxAttempts) {
      this.#pending -= 1;
      delivery.status = 'dead';
      this.deps.onAttempt?.('dead', delivery);
      return;
    }
    this.deps.onAttempt?.('failed', delivery);
    const wait = backoffMs(this.deps.settings, delivery.attempts, (this.deps.random ?? Math.random)());
    delivery.nextAttemptAt = new Date(this.deps.nowMs() + wait).toISOString();
    const timer = setTimeout(() => {
      this.#timers.delete(delivery.id);
      this.#ready.push(delivery);
      this.#pump();
    }, wait);
    timer.unref?.();
    this.#timers.set(delivery.id, timer);
  }

  /** One POST; null when the receiver answered 2xx, else what went wrong in the gateway's words. */
  async #send(
    endpoint: WebhookEndpoint,
    delivery: Delivery,
    controller: AbortController,
  ): Promise<string | null> {
    const { timeoutMs } = this.deps.settings;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    timer.unref?.();
    try {
      const timestamp = Math.floor(Date.now() / 1000);
      const response = await (this.deps.fetch ?? fetch)(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'ActPass-Webhooks/1',
          ...signedHeaders(endpoint.secret, delivery.eventId, timestamp, delivery.body),
        },
        body: delivery.body,
        // A redirect is not followed: it would send the signed body somewhere nobody configured.
        redirect: 'manual',
        signal: controller.signal,
      });
      delivery.lastStatus = response.status;
      // The answer's body is the receiver's, not ours: it is never read, so a receiver cannot make the
      // gateway hold a large or endless body in memory.
      await response.body?.cancel().catch(() => undefined);
      if (response.status >= 200 && response.status < 300) return null;
      return `the receiver answered HTTP ${response.status}`;
    } catch (error) {
      delivery.lastStatus = null;
      if (controller.signal.aborted)
        return this.#closed ? 'the gateway was shutting down' : `timed out after ${timeoutMs} ms`;
      return describeNetworkError(error);
    } finally {
      clearTimeout(timer);
    }
  }

  #kill(delivery: Delivery, reason: string): void {
    delivery.status = 'dead';
    delivery.lastError = reason;
    delivery.nextAttemptAt = null;
    this.deps.onAttempt?.('dead', delivery);
  }
}

/** A network failure as a short phrase from its code; never the error's own message (it may quote the URL). */
function describeNetworkError(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown } })?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return 'connection reset before an answer';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name did not resolve';
    case 'ETIMEDOUT':
    case 'UND_ERR_CONNECT_TIMEOUT':
      return 'connecting timed out';
    default:
      if (code && /^[A-Z_]{2,40}$/.test(code)) return `network error ${code}`;
      return 'network error';
  }
}
