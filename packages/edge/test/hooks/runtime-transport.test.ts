/**
 * The hook's own HTTP transport (node:http behind the SDK's `fetch`) against real loopback servers:
 * a real gateway's decisions come through; a compressed body, a redirect, an oversized body, a body
 * that stalls, a non-JSON answer and a refused connection each end in the SDK's fail-closed deny.
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { createGateway, type Gateway } from '@actpass/gateway';
import { ActPass } from '@actpass/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hookFetch } from '../../src/hooks/claude-code/transport.js';

const AGENT = 'ak_transport_agent_0123456789';
const silent = { debug() {}, info() {}, warn() {}, error() {} };
const action = { goal: 'coding_agent_tool_use', tool: 'claude.bash', args: { command: 'ls' } };

let gateway: Gateway;
let served: { url: string; close(): Promise<void> };
let fake: Server;
let fakeUrl: string;
const seen: { path: string; encoding: string | undefined }[] = [];

const routes: Record<string, (req: IncomingMessage, res: ServerResponse) => void> = {
  '/gzip': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    res.end(gzipSync('{}'));
  },
  '/redirect': (_req, res) => {
    res.writeHead(302, { location: `${served.url}/api/v1/actions/preflight` });
    res.end();
  },
  '/huge': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(`{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}`);
  },
  '/stall': (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{"decision":');
  },
  '/html': (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<html>allow</html>');
  },
};

beforeAll(async () => {
  gateway = createGateway({
    tenants: [{ id: 'acme', policy: 'coding-agents' }],
    apiKeys: [{ key: AGENT, tenantId: 'acme', roles: ['agent'] }],
    vaultKey: null,
  });
  served = await gateway.listen({ port: 0 });
  fake = createServer((req, res) => {
    const route = `/${(req.url ?? '').split('/')[1]}`;
    seen.push({ path: route, encoding: req.headers['accept-encoding'] as string | undefined });
    routes[route]?.(req, res);
  });
  await new Promise<void>((done) => fake.listen(0, '127.0.0.1', done));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
});
afterAll(async () => {
  fake.closeAllConnections();
  await new Promise((done) => fake.close(done));
  await served.close();
  await gateway.close();
});

function client(baseUrl: string) {
  return new ActPass({
    apiKey: AGENT,
    baseUrl,
    fetch: hookFetch(),
    logger: silent,
    maxRetries: 0,
    timeoutMs: 1500,
  });
}

describe('hook transport', () => {
  it("carries a real gateway's decisions as the SDK's own fetch does", async () => {
    const direct = new ActPass({ apiKey: AGENT, baseUrl: served.url, logger: silent, maxRetries: 0 });
    for (const asked of [
      action,
      { ...action, tool: 'claude.read', args: { file_path: '/home/dev/a.ts' } },
      { ...action, tool: 'other.tool' },
    ]) {
      const viaHook = await client(served.url).preflight(asked);
      const viaFetch = await direct.preflight(asked);
      expect(viaHook.request_id).toMatch(/^req_/);
      expect([viaHook.decision, viaHook.reason_code]).toEqual([viaFetch.decision, viaFetch.reason_code]);
    }
    const denied = await client(served.url).preflight({ ...action, tool: 'other.tool' });
    expect([denied.decision, denied.reason_code]).toEqual(['deny', 'policy.no_match']);
  });

  it('a 401 from the real gateway is the SDK deny naming the key', async () => {
    const wrong = new ActPass({
      apiKey: 'ak_wrong_0123456789abcdef',
      baseUrl: served.url,
      fetch: hookFetch(),
      logger: silent,
      maxRetries: 0,
    });
    const decision = await wrong.preflight(action);
    expect(decision.decision).toBe('deny');
    expect(decision.reason_code).toMatch(/^client\./);
  });

  it.each([
    ['/gzip', /content-encoding gzip/],
    ['/redirect', /302/],
    ['/huge', /larger than/],
    ['/stall', /no response within 1500 ms|timeout/i],
    ['/html', /text\/html/],
  ])('%s ends in a fail-closed deny', async (route, message) => {
    const decision = await client(`${fakeUrl}${route}`).preflight(action);
    expect(decision.decision).toBe('deny');
    expect(decision.reason_code).toMatch(/^client\./);
    expect(JSON.stringify(decision)).toMatch(message);
    expect(seen.filter((s) => s.path === route).every((s) => s.encoding === 'identity')).toBe(true);
  });

  it('a refused connection is client.unreachable; a non-http base URL is refused', async () => {
    const refused = await client('http://127.0.0.1:9').preflight(action);
    expect(refused.reason_code).toBe('client.unreachable');
    await expect(hookFetch()('ftp://127.0.0.1/x')).rejects.toThrow(/http or https, not ftp:/);
  });
});
