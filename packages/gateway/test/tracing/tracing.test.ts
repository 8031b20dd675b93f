/**
 * Traces, checked by a receiver that decodes OTLP with OpenTelemetry's own protobuf definitions: a
 * preflight sent with a W3C traceparent becomes a server span under the caller's span, with one child
 * per preflight stage, the decision in its attributes, and no secret anywhere.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { OtlpHttpExporter } from '@actpass/edge/tracing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDevGateway } from '../../src/index.js';

const PYTHON = join(__dirname, '../../../../python/.venv/bin/python');

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  start: number;
  end: number;
  status: number;
  attributes: Record<string, string | number | boolean>;
}

let receiver: ChildProcess;
let lines: Interface;
const spans: ReceivedSpan[] = [];
const errors: string[] = [];
let url = '';

beforeAll(async () => {
  if (!existsSync(PYTHON)) throw new Error('python/.venv is missing: run `bash scripts/setup.sh`');
  receiver = spawn(PYTHON, [join(__dirname, 'otlp_receiver.py')], { stdio: ['ignore', 'pipe', 'inherit'] });
  lines = createInterface({ input: receiver.stdout! });
  const port = await new Promise<number>((done) => lines.once('line', (line) => done(JSON.parse(line).port)));
  lines.on('line', (line) => {
    const parsed = JSON.parse(line);
    if (parsed.error) errors.push(parsed.error);
    else spans.push(parsed);
  });
  url = `http://127.0.0.1:${port}/v1/traces`;
}, 60_000);

afterAll(() => receiver?.kill());

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!check() && Date.now() < deadline) await new Promise((done) => setTimeout(done, 50));
}

describe('traces', () => {
  it('a preflight is a server span under the caller, with a child per stage', async () => {
    const exporter = new OtlpHttpExporter({ url, serviceName: 'actpass-gateway-test' });
    const { gateway, keys } = createDevGateway({ tracing: exporter });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const parent = '00f067aa0ba902b7';
    const response = await gateway.fetch(
      new Request('http://gw/api/v1/actions/preflight', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${keys.agent}`,
          'content-type': 'application/json',
          traceparent: `00-${traceId}-${parent}-01`,
        },
        body: JSON.stringify({
          goal: 'resolve_refund_request',
          tool: 'stripe.refund.create',
          args: { amount: 4900, currency: 'usd' },
        }),
      }),
    );
    expect(response.status).toBe(200);
    await exporter.flush();
    await until(() => spans.some((s) => s.name === 'actpass preflight'));
    expect(errors).toEqual([]);
    const server = spans.find((s) => s.name === 'actpass preflight') as ReceivedSpan;
    expect(server).toMatchObject({
      traceId,
      parentSpanId: parent,
      kind: 2,
      service: 'actpass-gateway-test',
      status: 1,
    });
    expect(server.attributes).toMatchObject({
      'actpass.decision': 'allow',
      'actpass.tool': 'stripe.refund.create',
      'http.route': '/api/v1/actions/preflight',
      'http.response.status_code': '200',
    });
    const stages = spans
      .filter((s) => s.parentSpanId === server.spanId)
      .map((s) => s.name)
      .sort();
    expect(stages).toEqual(
      [
        'actpass.preflight.ledger',
        'actpass.preflight.passport',
        'actpass.preflight.policy',
        'actpass.preflight.policy_load',
      ].sort(),
    );
    for (const stage of spans.filter((s) => s.parentSpanId === server.spanId)) {
      expect(stage.traceId).toBe(traceId);
      expect(Number(stage.start)).toBeGreaterThanOrEqual(Number(server.start) - 1e6);
      expect(Number(stage.end)).toBeLessThanOrEqual(Number(server.end) + 1e6);
    }
    expect(JSON.stringify(spans)).not.toContain(keys.agent);
    await gateway.close();
    await exporter.close();
  });

  it('a malformed or hostile traceparent starts a new trace instead of joining or failing', async () => {
    const exporter = new OtlpHttpExporter({ url, serviceName: 'actpass-gateway-test' });
    const { gateway } = createDevGateway({ tracing: exporter });
    for (const traceparent of [
      '00-00000000000000000000000000000000-00f067aa0ba902b7-01',
      'ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
      `00-${'z'.repeat(32)}-x-01\r\nx-evil: 1`,
    ]) {
      const response = await gateway.fetch(
        new Request('http://gw/healthz', { headers: { traceparent: traceparent.replace(/[\r\n]/g, '') } }),
      );
      expect(response.status).toBe(200);
    }
    await exporter.flush();
    await until(() => spans.filter((s) => s.name === 'actpass health').length >= 3);
    const health = spans.filter((s) => s.name === 'actpass health');
    expect(health.length).toBeGreaterThanOrEqual(3);
    for (const span of health) expect(span.parentSpanId).toBe('');
    await gateway.close();
    await exporter.close();
  });

  it('costs nothing when off: no exporter, no spans, no context', async () => {
    const before = spans.length;
    const { gateway, keys } = createDevGateway();
    const response = await gateway.fetch(
      new Request('http://gw/api/v1/actions/preflight', {
        method: 'POST',
        headers: {
          authorization: `Bearer ${keys.agent}`,
          'content-type': 'application/json',
          traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
        },
        body: JSON.stringify({
          goal: 'g',
          tool: 'stripe.refund.create',
          args: { amount: 1, currency: 'usd' },
        }),
      }),
    );
    expect(response.status).toBe(200);
    await new Promise((done) => setTimeout(done, 300));
    expect(spans.length).toBe(before);
    await gateway.close();
  });
});
