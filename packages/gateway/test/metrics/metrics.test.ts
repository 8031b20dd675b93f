/**
 * The gateway's Prometheus metrics: off unless asked for, the exposition well-formed, every label from
 * the gateway's own vocabulary or bounded, and hostile agent strings never reaching a label.
 */
import { ActPass } from '@actpass/sdk';
import { describe, expect, it } from 'vitest';
import { createDevGateway } from '../../src/index.js';
import { Counter, Histogram, OVERFLOW_LABEL, Registry } from '../../src/metrics/index.js';

const silent = { debug() {}, info() {}, warn() {}, error() {} };

describe('registry', () => {
  it('renders counters and histograms in the text format, with label values escaped', () => {
    const registry = new Registry();
    const counter = registry.register(new Counter('x_total', 'X.', ['a']));
    const histogram = registry.register(new Histogram('y_seconds', 'Y.', [], [0.1, 1]));
    counter.inc({ a: 'quote"back\\slash\nnewline' });
    histogram.observe(0.5);
    histogram.observe(5);
    const text = registry.render();
    expect(text).toContain('# TYPE x_total counter');
    expect(text).toContain('x_total{a="quote\\"back\\\\slash\\nnewline"} 1');
    expect(text).toContain('y_seconds_bucket{le="0.1"} 0');
    expect(text).toContain('y_seconds_bucket{le="1"} 1');
    expect(text).toContain('y_seconds_bucket{le="+Inf"} 2');
    expect(text).toContain('y_seconds_count 2');
    expect(text.endsWith('\n')).toBe(true);
  });

  it('folds label sets past the cap into one _other series', () => {
    const counter = new Counter('z_total', 'Z.', ['k'], 3);
    for (let i = 0; i < 100; i++) counter.inc({ k: `value_${i}` });
    const registry = new Registry();
    registry.register(counter);
    const series = registry
      .render()
      .split('\n')
      .filter((line) => line.startsWith('z_total{'));
    expect(series).toHaveLength(4);
    expect(series).toContain(`z_total{k="${OVERFLOW_LABEL}"} 97`);
  });
});

describe('gateway metrics', () => {
  it('are off by default: nothing is measured and metrics() is null', async () => {
    const { gateway } = createDevGateway();
    expect(gateway.metrics()).toBeNull();
    await gateway.close();
  });

  it('count decisions by decision, reason, mode and tool family, and time every stage', async () => {
    const { gateway, keys } = createDevGateway({ metrics: true });
    const client = new ActPass({
      apiKey: keys.agent,
      fetch: gateway.fetch,
      baseUrl: 'http://gw',
      logger: silent,
    });
    await client.preflight({
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      args: { amount: 4900, currency: 'usd' },
    });
    await client.preflight({
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      args: { amount: 4900, currency: 'usd' },
      mode: 'monitor',
    });
    const text = gateway.metrics() as string;
    expect(text).toMatch(
      /actpass_decisions_total\{decision="allow",reason_code="[a-z._]+",mode="enforce",tool="stripe"\} 1/,
    );
    expect(text).toMatch(
      /actpass_decisions_total\{decision="allow",reason_code="[a-z._]+",mode="monitor",tool="stripe"\} 1/,
    );
    for (const stage of ['policy_load', 'passport', 'policy', 'ledger'])
      expect(text).toMatch(
        new RegExp(`actpass_preflight_stage_duration_seconds_count\\{stage="${stage}"\\} 2`),
      );
    expect(text).toMatch(/actpass_http_requests_total\{operation="preflight",status="200"\} 2/);
    expect(text).toMatch(/actpass_ledger_append_duration_seconds_count [1-9]/);
    expect(text).toContain('actpass_ledger_appends_in_flight 0');
    await gateway.close();
  });

  it('never turns an agent string into a label, and stays bounded under a flood of tool names', async () => {
    const { gateway, keys } = createDevGateway({ metrics: true });
    const hostile = ['evil"} 1\nactpass_fake_total 9', '\u202Eevil', 'x'.repeat(5000)];
    for (const name of hostile) {
      await gateway.fetch(
        new Request('http://gw/api/v1/actions/preflight', {
          method: 'POST',
          headers: { authorization: `Bearer ${keys.agent}`, 'content-type': 'application/json' },
          body: JSON.stringify({ goal: name, tool: name, args: { note: name } }),
        }),
      );
    }
    for (let i = 0; i < 80; i++) {
      await gateway.fetch(
        new Request('http://gw/api/v1/actions/preflight', {
          method: 'POST',
          headers: { authorization: `Bearer ${keys.agent}`, 'content-type': 'application/json' },
          body: JSON.stringify({ goal: 'g', tool: `family${i}.tool`, args: {} }),
        }),
      );
    }
    await gateway.fetch(new Request(`http://gw/no/such/${'a'.repeat(100)}`));
    const text = gateway.metrics() as string;
    expect(text).not.toContain('actpass_fake_total');
    expect(text).not.toContain('\u202E');
    expect(text).not.toContain('x'.repeat(100));
    expect(text).not.toContain('a'.repeat(100));
    const families = new Set(
      [...text.matchAll(/actpass_decisions_total\{[^}]*tool="([^"]*)"/g)].map((m) => m[1]),
    );
    expect(families.size).toBeLessThanOrEqual(51);
    expect(families).toContain('_other');
    expect(text).toMatch(/actpass_http_requests_total\{operation="unmatched",status="404"\} 1/);
    await gateway.close();
  });
});
