/**
 * The MCP proxy against upstreams that misbehave (a tools/list with a fresh nextCursor forever, one
 * that never answers, servers that crash) beside the real filesystem server, and HTTP callers with
 * keys the gateway does not accept. Nothing hostile may stall the others, and a crash loop is bounded.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Gateway } from '@actpass/gateway';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpProxy, type McpProxy } from '../../../src/proxy/mcp/index.js';
import {
  allowPolicy,
  approve,
  FILESYSTEM,
  HOSTILE,
  httpAgent,
  KEYS,
  tempDir,
  testGateway,
  text,
} from './harness.js';

let dir: string;
let gateway: Gateway;
let proxy: McpProxy;
let url: string;
const warnings: string[] = [];
let keyChecks = 0;
/** The gateway as the proxy reaches it, counting the key checks (`/whoami`) it is asked. */
const countingFetch: typeof fetch = (input, init) => {
  const target = input instanceof Request ? input.url : String(input);
  if (target.includes('/whoami')) keyChecks += 1;
  return gateway.fetch(new Request(input, init));
};
const clients: Client[] = [];

const launches = (name: string) =>
  readFileSync(join(dir, `${name}.launches`), 'utf8')
    .trim()
    .split('\n')
    .filter(Boolean).length;

function hostile(mode: string, name: string) {
  return {
    command: process.execPath,
    args: [HOSTILE],
    env: { HOSTILE_MODE: mode, HOSTILE_LAUNCHES_FILE: join(dir, `${name}.launches`) },
  };
}

async function agent(): Promise<Client> {
  const client = await httpAgent(url);
  clients.push(client);
  return client;
}

beforeAll(async () => {
  dir = tempDir('actpass-mcp-hostile-');
  mkdirSync(join(dir, 'files'));
  writeFileSync(join(dir, 'files', 'notes.txt'), 'hello');
  for (const name of ['endless', 'hanging', 'flaky', 'looping', 'noisy'])
    writeFileSync(join(dir, `${name}.launches`), '');
  gateway = testGateway(dir, allowPolicy('mcp.**'));
  proxy = createMcpProxy(
    {
      unapproved: 'hold',
      // Starting is bounded apart (start_timeout_ms, 30 s by default), so a short listing deadline holds
      // even while six Node servers start at once on a busy runner.
      listing: { timeout_ms: 3000, max_pages: 20, retry_after_ms: 600000 },
      restart: { first_backoff_ms: 50, max_backoff_ms: 100, max_consecutive: 3, cooldown_ms: 600000 },
      servers: {
        fs: { command: process.execPath, args: [FILESYSTEM, join(dir, 'files')] },
        endless: hostile('endless-cursor', 'endless'),
        hanging: hostile('hang', 'hanging'),
        flaky: hostile('crash-after-call', 'flaky'),
        looping: hostile('crash-on-call', 'looping'),
        noisy: hostile('ansi-error', 'noisy'),
      },
    },
    {
      gateway: { proxyKey: KEYS.proxy, fetch: countingFetch, maxRetries: 0 },
      warn: (message) => warnings.push(message),
    },
  );
  url = (await proxy.listen({ port: 0 })).url;
}, 60_000);

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await proxy?.close();
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MCP proxy with hostile upstreams', () => {
  it('leaves out an endless and a hanging listing with a warning; the filesystem is listed and callable', async () => {
    const client = await agent();
    // Six Node servers start at once; one still starting when a listing's deadline passes is only
    // skipped, so list until every well-behaved server is in and both hostile ones have been asked.
    const wanted = ['fs.list_directory', 'flaky.ping', 'looping.ping'];
    const asked = () =>
      warnings.some((w) => w.includes('"endless"') && w.includes('past 20 pages')) &&
      warnings.some((w) => w.includes('"hanging"') && /in time|timed out/i.test(w)) &&
      warnings.some((w) => w.includes('"noisy"') && w.includes('fake line'));
    let tools: Tool[] = [];
    for (let round = 0; round < 8; round++) {
      const started = Date.now();
      tools = (await client.listTools()).tools;
      // Functional bound, generous: a hanging upstream used to hold listing for 60 s, the cursor forever.
      expect(Date.now() - started).toBeLessThan(30_000);
      const listed = tools.map((tool) => tool.name);
      if (wanted.every((name) => listed.includes(name)) && asked()) break;
    }
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(wanted));
    expect(names.filter((name) => name.startsWith('endless.') || name.startsWith('hanging.'))).toEqual([]);
    expect(warnings.some((w) => w.includes('"endless"') && w.includes('past 20 pages'))).toBe(true);
    expect(warnings.some((w) => w.includes('"hanging"') && /in time|timed out/i.test(w))).toBe(true);
    // An upstream's error text reaches the log with its escapes visible, on one line.
    const noisy = warnings.find((w) => w.includes('"noisy"') && w.includes('fake line')) ?? '';
    expect(noisy).toContain('\\x1b[2J');
    expect(noisy).toContain('\\u202e\\x0aactpass: fake line');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for raw control characters is the point
    for (const w of warnings) expect(w).not.toMatch(/[\u0000-\u001f\u202e]/);
    // The endless server was asked for exactly the bounded number of pages, once.
    expect(launches('endless')).toBe(1);

    for (const tool of tools) await approve(gateway, tool);
    const listed = await client.callTool({
      name: 'fs.list_directory',
      arguments: { path: join(dir, 'files') },
    });
    expect(listed.isError).not.toBe(true);
    expect(text(listed)).toContain('notes.txt');
    // A server left out is not asked again within its retry window: the next listing does not wait on it.
    const again = Date.now();
    const second = await client.listTools();
    expect(second.tools.map((tool) => tool.name)).toContain('fs.list_directory');
    expect(Date.now() - again).toBeLessThan(2500);
  }, 60_000);

  it('lists nothing for a bearer string the gateway does not accept as an agent key', async () => {
    for (const key of ['ak_made_up_00000000', KEYS.admin, 'x']) {
      const response = await listWith(key);
      const body = await response.text();
      expect(response.status).toBe(401);
      expect(body).not.toContain('fs.');
      expect(body).not.toContain('list_directory');
    }
    await expect(httpAgent(url, 'ak_made_up_00000000')).rejects.toThrow();
  });

  it('restarts a crashed stdio upstream: the next call after a crash works, in a new process', async () => {
    const client = await agent();
    const first = text(await client.callTool({ name: 'flaky.ping', arguments: {} }));
    expect(first).toMatch(/^pong \d+$/);
    // The upstream exits right after answering; the proxy relaunches it after the backoff.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const second = text(await client.callTool({ name: 'flaky.ping', arguments: {} }));
    expect(second).toMatch(/^pong \d+$/);
    expect(second).not.toBe(first);
    expect(launches('flaky')).toBe(2);
  }, 30_000);

  it('bounds a crash loop: after max_consecutive crashes the server is not relaunched', async () => {
    const client = await agent();
    const answers: string[] = [];
    for (let i = 0; i < 6; i++) {
      const result = await client.callTool({ name: 'looping.ping', arguments: {} });
      expect(result.isError).toBe(true);
      answers.push(text(result));
    }
    // One launch for the listing, two relaunches; then given up for the cooldown.
    expect(launches('looping')).toBe(3);
    expect(proxy.launches().get('looping')).toBe(3);
    expect(answers.at(-1)).toMatch(/crashed 3 times in a row; not restarted before/);
    expect(warnings.some((w) => w.includes('"looping" crashed 3 times in a row'))).toBe(true);
  }, 30_000);

  it('answers 429 without asking the gateway once one address has tried too many unknown keys', async () => {
    const before = keyChecks;
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 30; i++) {
      const response = await listWith(`ak_flood_${i}_0000000000`);
      statuses.push(response.status);
      if (response.status === 429) retryAfter = response.headers.get('retry-after');
      expect(await response.text()).not.toContain('list_directory');
    }
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    // The budget is 20 unknown keys per address (three were spent above): never 30 round trips.
    expect(keyChecks - before).toBeLessThanOrEqual(20);
    // A key refused once is remembered: repeating it costs no round trip and stays 401.
    const again = keyChecks;
    expect((await listWith('ak_made_up_00000000')).status).toBe(401);
    expect(keyChecks).toBe(again);
  });
});

function listWith(key: string): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
    },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
  });
}
