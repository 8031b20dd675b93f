/**
 * The span tree of one MCP tool call through the proxy, as a collector receives it (decoded with
 * OpenTelemetry's own protobuf definitions): the agent's traceparent in `params._meta` → the proxy's
 * `tools/call` server span → its preflight span → the gateway's span and stages, and the proxy's
 * upstream span; a blocked call says so with its reason code, and no key or argument value is in any span.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { createFileStores, createGateway, type Gateway } from '@actpass/gateway';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMcpProxy, type McpProxy } from '../../../src/proxy/mcp/index.js';
import { OtlpHttpExporter } from '../../../src/tracing/index.js';
import { allowPolicy, approve, EVERYTHING, httpAgent, KEYS, listStarted, tempDir, text } from './harness.js';

const PYTHON = join(__dirname, '../../../../../python/.venv/bin/python');
const RECEIVER = join(__dirname, '../../../../gateway/test/tracing/otlp_receiver.py');
const ARGUMENT = 'echo-me-7f3a9c';

interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  status: number;
  attributes: Record<string, string | number | boolean>;
}

let receiver: ChildProcess;
const spans: ReceivedSpan[] = [];
const errors: string[] = [];
const exporters: OtlpHttpExporter[] = [];
let dir: string;
let gateway: Gateway;
let proxy: McpProxy;
let agent: Client;

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
  dir = tempDir('actpass-mcp-trace-');
  gateway = createGateway({
    tenants: [{ id: 'acme', policy: allowPolicy('mcp.everything.echo') }],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'] },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'] },
    ],
    stores: createFileStores(join(dir, 'state')),
    vaultKey: null,
    tracing: exporter('actpass-gateway'),
  });
  proxy = createMcpProxy(
    {
      unapproved: 'hold',
      servers: { everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] } },
    },
    {
      gateway: { proxyKey: KEYS.proxy, fetch: gateway.fetch, maxRetries: 0 },
      warn: () => undefined,
      tracing: exporter('actpass-mcp-proxy'),
    },
  );
  const { url } = await proxy.listen({ port: 0 });
  agent = await httpAgent(url);
  for (const tool of await listStarted(agent, ['everything'])) {
    if (tool.name === 'everything.echo' || tool.name === 'everything.get-sum') await approve(gateway, tool);
  }
}, 90_000);

afterAll(async () => {
  await agent?.close().catch(() => undefined);
  await proxy?.close();
  await gateway?.close();
  for (const exporter of exporters) await exporter.close();
  receiver?.kill();
  rmSync(dir, { recursive: true, force: true });
});

async function traceOf(traceId: string, last: string): Promise<ReceivedSpan[]> {
  await proxy.settled();
  for (const exporter of exporters) await exporter.flush();
  const deadline = Date.now() + 20_000;
  while (!spans.some((s) => s.traceId === traceId && s.name === last) && Date.now() < deadline)
    await new Promise((done) => setTimeout(done, 50));
  expect(errors).toEqual([]);
  return spans.filter((s) => s.traceId === traceId);
}

function one(trace: ReceivedSpan[], name: string): ReceivedSpan {
  const found = trace.filter((s) => s.name === name);
  expect(found, name).toHaveLength(1);
  return found[0] as ReceivedSpan;
}

it('an allowed call is one trace: tools/call, preflight, gateway stages, upstream', {
  timeout: 60_000,
}, async () => {
  const traceId = 'bbf92f3577b34da6a3ce929d0e0e4736';
  const agentSpan = '22f067aa0ba902b7';
  const result = await agent.callTool({
    name: 'everything.echo',
    arguments: { message: ARGUMENT },
    _meta: { traceparent: `00-${traceId}-${agentSpan}-01` },
  });
  expect(text(result)).toContain(ARGUMENT);
  const trace = await traceOf(traceId, 'actpass.mcp tools/call');
  const server = one(trace, 'actpass.mcp tools/call');
  expect(server).toMatchObject({ parentSpanId: agentSpan, kind: 2, service: 'actpass-mcp-proxy' });
  expect(server.attributes).toMatchObject({
    'actpass.tool': 'mcp.everything.echo',
    'actpass.server': 'everything',
    'actpass.blocked': false,
  });
  const preflight = one(trace, 'actpass.mcp.preflight');
  expect(preflight).toMatchObject({ parentSpanId: server.spanId, kind: 3 });
  expect(preflight.attributes['actpass.decision']).toBe('allow');
  const decided = one(trace, 'actpass preflight');
  expect(decided).toMatchObject({ parentSpanId: preflight.spanId, kind: 2, service: 'actpass-gateway' });
  const stages = trace.filter((s) => s.parentSpanId === decided.spanId).map((s) => s.name);
  expect(stages).toEqual(expect.arrayContaining(['actpass.preflight.policy', 'actpass.preflight.ledger']));
  expect(one(trace, 'actpass.mcp.upstream')).toMatchObject({ parentSpanId: server.spanId, kind: 3 });
  const everything = JSON.stringify(spans);
  expect(everything).not.toContain(ARGUMENT);
  expect(everything).not.toContain(KEYS.agent);
  expect(everything).not.toContain(KEYS.proxy);
});

it('a denied call is traced as blocked, with the reason code and no upstream span', {
  timeout: 60_000,
}, async () => {
  const traceId = 'ccf92f3577b34da6a3ce929d0e0e4736';
  const result = await agent.callTool({
    name: 'everything.get-sum',
    arguments: { a: 1, b: 2 },
    _meta: { traceparent: `00-${traceId}-33f067aa0ba902b7-01` },
  });
  expect(text(result)).toMatch(/^BLOCKED policy\.no_match:/);
  const trace = await traceOf(traceId, 'actpass.mcp tools/call');
  const server = one(trace, 'actpass.mcp tools/call');
  expect(server.attributes).toMatchObject({
    'actpass.blocked': true,
    'actpass.reason_code': 'policy.no_match',
  });
  expect(one(trace, 'actpass.mcp.preflight').attributes['actpass.decision']).toBe('deny');
  expect(trace.some((s) => s.name === 'actpass.mcp.upstream')).toBe(false);
});

it('a hostile traceparent starts a new trace instead of joining one or failing the call', {
  timeout: 60_000,
}, async () => {
  const before = spans.length;
  const result = await agent.callTool({
    name: 'everything.echo',
    arguments: { message: 'x' },
    _meta: { traceparent: `00-${'0'.repeat(32)}-${'1'.repeat(16)}-01\r\nx-evil: 1` },
  });
  expect(text(result)).toContain('x');
  await proxy.settled();
  for (const exporter of exporters) await exporter.flush();
  const deadline = Date.now() + 20_000;
  while (!spans.slice(before).some((s) => s.name === 'actpass.mcp tools/call') && Date.now() < deadline)
    await new Promise((done) => setTimeout(done, 50));
  const server = spans.slice(before).find((s) => s.name === 'actpass.mcp tools/call') as ReceivedSpan;
  expect(server.parentSpanId).toBe('');
  expect(server.traceId).not.toBe('0'.repeat(32));
});
