/**
 * The cost of metrics on the decision path: in-process preflights (memory stores) with metrics off and
 * on, in interleaved rounds so machine load falls on both alike. `pnpm exec tsx bench/metrics.bench.ts`
 * prints preflights per second for each and the ratio.
 */
import { createDevGateway } from '../src/index.js';

const ROUNDS = 6;
const PER_ROUND = 3000;

async function round(metrics: boolean): Promise<number> {
  const { gateway, keys } = createDevGateway({ metrics });
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

const off: number[] = [];
const on: number[] = [];
for (let i = 0; i < ROUNDS; i++) {
  off.push(await round(false));
  on.push(await round(true));
}
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] as number;
console.log(
  JSON.stringify({
    preflights_per_second_metrics_off: Math.round(median(off)),
    preflights_per_second_metrics_on: Math.round(median(on)),
    on_over_off: Math.round((median(on) / median(off)) * 1000) / 1000,
  }),
);
