/**
 * The span tree of one proxied call, as a collector receives it (decoded with OpenTelemetry's own
 * protobuf definitions): the agent's traceparent → the proxy's server span → its preflight span → the
 * gateway's span and its stages, and the proxy's upstream span, whose context the upstream receives.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createFileStores, createGateway, type Gateway } from '@actpass/gateway';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createRestProxy, type RestProxy } from '../../../src/proxy/rest/index.js';
import { OtlpHttpExporter } from '../../../src/tracing/index.js';
import { KEYS, proxyConfig, SECRET, startUpstream, type Upstream } from './helpers.js';

const PYTHON = join(__dirname, '../../../../../python/.venv/bin/python');
const RECEIVER = join(__dirname, '../../../../gateway/test/tracing/otlp_receiver.py');

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, string | number | boolean>;
}

let receiver: ChildProcess;
const spans: ReceivedSpan[] = [];
const errors: string[] = [];
let dir: string;
let upstream: Upstream;
let gateway: Gateway;
let proxy: RestProxy;
let proxyUrl: string;
const exporters: OtlpHttpExporter[] = [];

beforeAll(async () => {
  receiver = spawn(PYTHON, [RECEIVER], { stdio: ['ignore', 'pipe', 'inherit'] });
  const lines = createInterface({ input: receiver.stdout! });
  const port = await new Promise<number>((done) => lines.once('line', (line) => done(JSON.parse(line).port)));
  lines.on('line', (line) => {
    const parsed = JSON.parse(line);
    if (parsed.error) errors.push(parsed.error);
    else spans.push(parsed);
  });
  const exporter = (serviceName: string) => {
    const made = new OtlpHttpExporter({ url: `http://127.0.0.1:${port}/v1/traces`, serviceName });
    exporters.push(made);
    return made;
  };
  dir = mkdtempSync(join(tmpdir(), 'actpass-proxy-trace-'));
  upstream = await startUpstream();
  gateway = createGateway({
    tenants: [{ id: 'acme', policy: 'refunds' }],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'] },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'] },
    ],
    stores: createFileStores(dir),
    vaultKey: Buffer.alloc(32, 7).toString('base64'),
    tracing: exporter('actpass-gateway'),
  });
  const put = await gateway.fetch(
    new Request('http://gw/api/v1/credentials/stripe_key', {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: SECRET, bound_tools: ['stripe.refund.create'], delivery: 'proxy' }),
    }),
  );
  expect(put.status).toBe(200);
  proxy = createRestProxy(proxyConfig(upstream.url), {
    gateway: { proxyKey: KEYS.proxy, fetch: gateway.fetch, maxRetries: 0 },
    tracing: exporter('actpass-proxy'),
  });
  proxyUrl = (await proxy.listen({ host: '127.0.0.1', port: 0 })).url;
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  await gateway?.close();
  await upstream?.close();
  for (const exporter of exporters) await exporter.close();
  receiver?.kill();
  rmSync(dir, { recursive: true, force: true });
});

it('one proxied call is one trace: proxy, preflight, gateway stages, upstream', {
  timeout: 60_000,
}, async () => {
  const traceId = 'aaf92f3577b34da6a3ce929d0e0e4736';
  const agentSpan = '11f067aa0ba902b7';
  const response = await fetch(`${proxyUrl}/payments/charges/ch_1/refunds`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${KEYS.agent}`,
      'content-type': 'application/json',
      traceparent: `00-${traceId}-${agentSpan}-01`,
    },
    body: JSON.stringify({ amount: 4900, currency: 'usd' }),
  });
  expect(response.status).toBe(200);
  await proxy.handler.settled();
  for (const exporter of exporters) await exporter.flush();
  const deadline = Date.now() + 20_000;
  while (!spans.some((s) => s.name === 'actpass.proxy.upstream') && Date.now() < deadline)
    await new Promise((done) => setTimeout(done, 50));
  expect(errors).toEqual([]);
  const trace = spans.filter((s) => s.traceId === traceId);
  const one = (name: string) => {
    const found = trace.filter((s) => s.name === name);
    expect(found, name).toHaveLength(1);
    return found[0] as ReceivedSpan;
  };
  const server = one('actpass.proxy POST');
  expect(server).toMatchObject({ parentSpanId: agentSpan, kind: 2, service: 'actpass-proxy' });
  const preflight = one('actpass.proxy.preflight');
  expect(preflight).toMatchObject({ parentSpanId: server.spanId, kind: 3 });
  const decided = one('actpass preflight');
  expect(decided).toMatchObject({ parentSpanId: preflight.spanId, kind: 2, service: 'actpass-gateway' });
  const stages = trace.filter((s) => s.parentSpanId === decided.spanId).map((s) => s.name);
  expect(stages).toEqual(expect.arrayContaining(['actpass.preflight.policy', 'actpass.preflight.ledger']));
  const forwarded = one('actpass.proxy.upstream');
  expect(forwarded).toMatchObject({ parentSpanId: server.spanId, kind: 3 });
  // The upstream received the proxy's upstream span as its parent, not the agent's header.
  expect(upstream.seen.at(-1)?.headers.traceparent).toBe(`00-${traceId}-${forwarded.spanId}-01`);
  expect(JSON.stringify(spans)).not.toContain(SECRET);
  expect(JSON.stringify(spans)).not.toContain(KEYS.agent);
});
