/**
 * Webhook counters on the gateway's Prometheus registry: attempts by outcome and event type (both the
 * gateway's own vocabulary, never an endpoint id or URL) and the deliveries waiting.
 */
import type { GatewayMetrics } from '../metrics/index.js';
import { Counter, Gauge } from '../metrics/registry.js';
import type { AttemptOutcome } from './dispatcher.js';
import type { Delivery } from './store.js';

export function webhookMetrics(
  metrics: GatewayMetrics,
  pending: () => number,
): (outcome: AttemptOutcome, delivery: Delivery) => void {
  const attempts = metrics.registry.register(
    new Counter(
      'actpass_webhook_deliveries_total',
      'Webhook delivery attempts by outcome (delivered, failed and retried later, dead-lettered) and event type.',
      ['outcome', 'event'],
    ),
  );
  metrics.registry.register(
    new Gauge(
      'actpass_webhook_deliveries_pending',
      'Webhook deliveries queued or waiting for a retry.',
      () => [{ value: pending() }],
    ),
  );
  return (outcome, delivery) => attempts.inc({ outcome, event: delivery.eventType });
}
