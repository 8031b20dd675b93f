/**
 * The cost of metrics and traces on the decision path: in-process preflights (memory stores) with both
 * off, with metrics on, and with tracing on (spans built and handed to an exporter that discards them,
 * so the collector's speed is not measured), in interleaved rounds so machine load falls on all alike.
 * `pnpm exec tsx bench/metrics.bench.ts` prints preflights per second for each and the ratios to off.
 */
import type { SpanExporter } from '@actpass/edge/tracing';
import { createDevGateway } from '../src/index.js';

const DISCARD: SpanExporter = { export() {}, async flush() {}, async close() {} };
type Variant = 'off' | 'metrics' | 'tracing';

const ROUNDS = 6;
const PER_ROUND = 3000;

async function round(variant: Variant): Promise<number> {
  const { gateway, keys } = createDevGateway({
    ...(variant === 'metrics' ? { metrics: true } : {}),
    ...(variant === 'tracing' ? { tracing: DISCARD } : {}),
  });
  const body = JSON.stringify({
    goal: 'resolve_refund_request',
    tool: 'stripe.refund.create',
    args: { amount: 4900, currency: 'usd' },
  });
  const headers = { authorization: `Bearer ${keys.agent}`, 'content-type': 'application/json' };
  const call = () =>
    gateway.fetch(new Request('http://gw/api/v1/actions/preflight', { method: 'POST', headers, body }));
  for (let i = 0; i < 200; i++) await call();
  const started = performance.now();
  for (let i = 0; i < PER_ROUND; i++) await call();
  const seconds = (performance.now() - started) / 1000;
  await gateway.close();
  return PER_ROUND / seconds;
}

const results: Record<Variant, number[]> = { off: [], metrics: [], tracing: [] };
for (let i = 0; i < ROUNDS; i++) {
  for (const variant of ['off', 'metrics', 'tracing'] as const) results[variant].push(await round(variant));
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
const off = median(results.off);
console.log(
  JSON.stringify({
    preflights_per_second: {
      off: Math.round(off),
      metrics: Math.round(median(results.metrics)),
      tracing: Math.round(median(results.tracing)),
    },
    metrics_over_off: Math.round((median(results.metrics) / off) * 1000) / 1000,
    tracing_over_off: Math.round((median(results.tracing) / off) * 1000) / 1000,
  }),
);
