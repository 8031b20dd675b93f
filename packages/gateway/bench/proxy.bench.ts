/**
 * The enforcing proxy's cost (docs/benchmarks.md, "Enforcing proxy"): added latency p50/p99 and
 * requests/s of the REST proxy against a direct call to the same loopback upstream, with a served
 * gateway on a memory and on a file ledger, next to a bare served preflight; and MCP tools/call
 * through the proxy against a direct call to the same server. Sequential requests, bounded counts,
 * loopback only.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ActPass } from '@actpass/sdk';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { createFileStores, createGateway, createMcpProxy, createRestProxy } from '../src/index.js';

const N = Number(process.env.PROXY_BENCH_N ?? 1500);
const WARMUP = 200;
const MCP_N = Number(process.env.PROXY_BENCH_MCP_N ?? 300);
/** `--json`: one JSON line of every row last (`pnpm bench:report` reads it). */
const JSON_OUT = process.argv.includes('--json');
type Row = { label: string; p50: number; p99: number; rps: number };
const results: {
  rest: Array<{ ledger: 'memory' | 'file'; direct: Row; preflight: Row; proxied: Row }>;
  mcp?: { direct: Row; proxied: Row; preflight: Row };
} = { rest: [] };
const KEYS = {
  agent: 'ak_bench_agent_000001',
  admin: 'ak_bench_admin_000001',
  proxy: 'ak_bench_proxy_000001',
};
const silent = { debug() {}, info() {}, warn() {}, error() {} };

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function measure(label: string, n: number, once: () => Promise<void>) {
  for (let i = 0; i < Math.min(WARMUP, n); i++) await once();
  const times: number[] = [];
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  const total = (performance.now() - started) / 1000;
  times.sort((a, b) => a - b);
  const row = { label, p50: pct(times, 50), p99: pct(times, 99), rps: n / total };
  console.log(
    `${label.padEnd(46)} p50 ${row.p50.toFixed(3)} ms  p99 ${row.p99.toFixed(3)} ms  ${row.rps.toFixed(0)} req/s`,
  );
  return row;
}

async function restRound(ledger: 'memory' | 'file') {
  const dir = mkdtempSync(join(tmpdir(), 'actpass-proxy-bench-'));
  const upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'));
  });
  upstream.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
  const gateway = createGateway({
    tenants: [{ id: 'acme', policy: 'refunds' }],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'] },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'] },
    ],
    ...(ledger === 'file' ? { stores: createFileStores(dir) } : {}),
    vaultKey: Buffer.alloc(32, 3).toString('base64'),
  });
  const served = await gateway.listen({ port: 0 });
  await gateway.fetch(
    new Request('http://gw/api/v1/credentials/k', {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: 'sk_bench', bound_tools: ['pay.refund.create'], delivery: 'proxy' }),
    }),
  );
  const proxy = createRestProxy(
    {
      // The measurement sends thousands of calls with one key: the per-key limit must not be what it sees.
      rate_limits: { per_agent_key: { per_minute: 6_000_000, burst: 1_000_000 } },
      upstreams: [
        {
          name: 'pay',
          base_url: upstreamUrl,
          credential: { name: 'k', header: 'authorization', template: 'Bearer {secret}' },
          routes: [
            {
              method: 'POST',
              path: '/refunds/{charge}',
              tool: 'pay.refund.create',
              goal: 'g',
              args: { amount: 'body.amount' },
            },
          ],
        },
      ],
    },
    { gateway: { proxyKey: KEYS.proxy, baseUrl: served.url } },
  );
  const running = await proxy.listen({ port: 0 });
  const body = JSON.stringify({ amount: 4900 });
  const post = async (url: string) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' },
      body,
    });
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`status ${response.status}`);
  };
  const client = new ActPass({ apiKey: KEYS.agent, baseUrl: served.url, logger: silent });
  const rows = [
    await measure(`[${ledger}] direct call to the upstream`, N, () => post(`${upstreamUrl}/refunds/ch_1`)),
    await measure(`[${ledger}] bare served preflight (SDK)`, N, async () => {
      const d = await client.preflight({ goal: 'g', tool: 'pay.refund.create', args: { amount: 4900 } });
      if (d.decision !== 'allow') throw new Error(d.reason_code);
    }),
    await measure(`[${ledger}] through the REST proxy`, N, () => post(`${running.url}/pay/refunds/ch_1`)),
  ];
  const [direct, preflight, proxied] = rows as [(typeof rows)[0], (typeof rows)[0], (typeof rows)[0]];
  results.rest.push({ ledger, direct, preflight, proxied });
  const added = proxied.p50 - direct.p50;
  console.log(
    `[${ledger}] added p50 ${added.toFixed(3)} ms = ${(added / preflight.p50).toFixed(2)}× a bare served preflight (target ≤ 1.5×); added p99 ${(proxied.p99 - direct.p99).toFixed(3)} ms`,
  );
  await proxy.close();
  await gateway.close();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
  rmSync(dir, { recursive: true, force: true });
}

async function mcpRound() {
  const require = createRequire(import.meta.url);
  const everything = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
  const gateway = createGateway({
    tenants: [
      {
        id: 'acme',
        policy: {
          id: 'b',
          version: 1,
          default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
          rules: [
            {
              id: 'echo',
              when: [{ path: 'tool', operator: '==', value: 'mcp.everything.echo' }],
              decision: 'allow',
              reason: 'mcp.echo_allowed',
            },
          ],
        },
      },
    ],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'] },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'] },
    ],
    vaultKey: null,
  });
  const served = await gateway.listen({ port: 0 });
  const proxy = createMcpProxy(
    {
      unapproved: 'hold',
      servers: { everything: { command: process.execPath, args: [everything, 'stdio'] } },
    },
    { gateway: { proxyKey: KEYS.proxy, baseUrl: served.url } },
  );
  const { url } = await proxy.listen({ port: 0 });
  const viaProxy = new Client({ name: 'bench', version: '1' });
  await viaProxy.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${KEYS.agent}` } },
    }),
  );
  const tool = (await viaProxy.listTools()).tools.find((t) => t.name === 'everything.echo');
  if (!tool) throw new Error('no echo tool');
  await gateway.fetch(
    new Request('http://gw/api/v1/tools/mcp.everything.echo', {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'mcp.everything.echo',
        description: tool.description ?? '',
        input_schema: tool.inputSchema,
        ...(tool.annotations ? { annotations: tool.annotations } : {}),
        ...(tool.outputSchema ? { output_schema: tool.outputSchema } : {}),
      }),
    }),
  );
  const direct = new Client({ name: 'bench-direct', version: '1' });
  await direct.connect(
    new StdioClientTransport({ command: process.execPath, args: [everything, 'stdio'], stderr: 'ignore' }),
  );
  // The proxy's own preflight, measured bare against the same gateway, is the yardstick of its cost.
  const sdk = new ActPass({ apiKey: KEYS.agent, baseUrl: served.url, logger: silent });
  const bare = await measure('MCP bare served preflight (SDK)', MCP_N, async () => {
    const d = await sdk.preflight({ goal: 'g', tool: 'mcp.everything.echo', args: { message: 'x' } });
    if (d.decision !== 'allow') throw new Error(d.reason_code);
  });
  const d = await measure('MCP tools/call direct (stdio)', MCP_N, async () => {
    await direct.callTool({ name: 'echo', arguments: { message: 'x' } });
  });
  const p = await measure('MCP tools/call through the proxy (HTTP)', MCP_N, async () => {
    const r = await viaProxy.callTool({ name: 'everything.echo', arguments: { message: 'x' } });
    if (r.isError) throw new Error('blocked');
  });
  console.log(`MCP added p50 ${(p.p50 - d.p50).toFixed(3)} ms, p99 ${(p.p99 - d.p99).toFixed(3)} ms`);
  results.mcp = { direct: d, proxied: p, preflight: bare };
  await viaProxy.close();
  await direct.close();
  await proxy.close();
  await gateway.close();
}

await restRound('memory');
await restRound('file');
await mcpRound();
if (JSON_OUT) console.log(JSON.stringify(results));
