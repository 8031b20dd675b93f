/**
 * The MCP proxy's Streamable HTTP sessions and its reused tool listings, with real upstreams
 * (`@modelcontextprotocol/server-filesystem`, small SDK servers whose tool changes, one that says so with
 * `notifications/tools/list_changed`, and one that crashes) and the official SDK client:
 *
 * - one session serves many requests, and many `tools/list` cost one upstream listing;
 * - an upstream's list_changed makes the next listing ask again, the agent is told, and the changed
 *   tool goes through drift like any other (held, never called); so does a change found once the
 *   listing's time to live passes;
 * - a session answers only the key that opened it (another key gets 404, as for no session, and
 *   cannot close it); sessions are bounded per key and in all, and closed when idle or on DELETE;
 * - an upstream that dies is not served from the reused listing: calls fail closed, and its tools
 *   leave the listing.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileStores, createGateway, type Gateway } from '@actpass/gateway';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { type Tool, ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpProxy, type McpProxy, type RunningMcpProxy } from '../../../src/proxy/mcp/index.js';
import { allowPolicy, approve, FILESYSTEM, HOSTILE, KEYS, listStarted, tempDir, text } from './harness.js';

const DRIFTING = fileURLToPath(new URL('./fixtures/drifting-server.mjs', import.meta.url));
const OTHER = 'ak_mcp_s_other_0123456789';
const THIRD = 'ak_mcp_s_third_0123456789';

let dir: string;
let gateway: Gateway;
let proxy: McpProxy;
let running: RunningMcpProxy;
const warnings: string[] = [];
const opened: Client[] = [];
const proxies: McpProxy[] = [];

interface Agent {
  client: Client;
  transport: StreamableHTTPClientTransport;
  session: string;
}

async function open(url: string, key = KEYS.agent): Promise<Agent> {
  const client = new Client({ name: 'session-agent', version: '1' });
  const transport = new StreamableHTTPClientTransport(new URL(url), {
    requestInit: { headers: { authorization: `Bearer ${key}` } },
  });
  await client.connect(transport);
  opened.push(client);
  return { client, transport, session: transport.sessionId as string };
}

/** A raw JSON-RPC request naming `session`, as any HTTP client could send it. */
function raw(url: string, key: string, session: string, method = 'POST', body?: unknown) {
  return fetch(url, {
    method,
    headers: {
      authorization: `Bearer ${key}`,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-session-id': session,
    },
    ...(method === 'POST'
      ? { body: JSON.stringify(body ?? { jsonrpc: '2.0', id: 1, method: 'tools/list' }) }
      : {}),
  });
}

const lines = (file: string) => readFileSync(file, 'utf8').split('\n').filter(Boolean);

function drifting(name: string, notify: boolean) {
  writeFileSync(join(dir, `${name}.description`), 'Sends a message to the team channel.');
  writeFileSync(join(dir, `${name}.calls`), '');
  writeFileSync(join(dir, `${name}.lists`), '');
  return {
    command: process.execPath,
    args: [DRIFTING],
    env: {
      DRIFT_DESCRIPTION_FILE: join(dir, `${name}.description`),
      DRIFT_CALLS_FILE: join(dir, `${name}.calls`),
      DRIFT_LISTS_FILE: join(dir, `${name}.lists`),
      ...(notify ? { DRIFT_NOTIFY: '1' } : {}),
    },
  };
}

function served(config: Record<string, unknown>) {
  const made = createMcpProxy(config, {
    gateway: { proxyKey: KEYS.proxy, fetch: gateway.fetch, maxRetries: 0 },
    warn: (message) => warnings.push(message),
  });
  proxies.push(made);
  return made;
}

beforeAll(async () => {
  dir = tempDir('actpass-mcp-sessions-');
  mkdirSync(join(dir, 'files'));
  writeFileSync(join(dir, 'files', 'notes.txt'), 'hello');
  gateway = createGateway({
    tenants: [{ id: 'acme', policy: allowPolicy('mcp.**') }],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: OTHER, tenantId: 'acme', roles: ['agent'] },
      { key: THIRD, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'] },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'] },
    ],
    stores: createFileStores(join(dir, 'state')),
    vaultKey: null,
  });
  proxy = served({
    unapproved: 'hold',
    restart: { first_backoff_ms: 50, max_backoff_ms: 100, max_consecutive: 1, cooldown_ms: 600000 },
    servers: {
      fs: { command: process.execPath, args: [FILESYSTEM, join(dir, 'files')] },
      notify: drifting('notify', true),
      quiet: { ...drifting('quiet', false), listing: { cache_ttl_ms: 300 } },
      dying: {
        command: process.execPath,
        args: [HOSTILE],
        env: { HOSTILE_MODE: 'crash-on-call' },
      },
    },
  });
  running = await proxy.listen({ port: 0 });
  const { client } = await open(running.url);
  const tools = await listStarted(client, ['fs', 'notify', 'quiet', 'dying']);
  for (const tool of tools) await approve(gateway, tool);
}, 90_000);

afterAll(async () => {
  for (const client of opened) await client.close().catch(() => undefined);
  for (const made of proxies) await made.close();
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MCP proxy over HTTP: sessions and reused tool listings', () => {
  it('serves a session from one server and transport, and lists each upstream once for many tools/list', async () => {
    const agent = await open(running.url);
    await agent.client.listTools();
    const before = proxy.toolListings().get('fs') ?? 0;
    for (let i = 0; i < 10; i++) {
      const { tools } = await agent.client.listTools();
      expect(tools.map((tool) => tool.name)).toContain('fs.list_directory');
    }
    const listed = await agent.client.callTool({
      name: 'fs.list_directory',
      arguments: { path: join(dir, 'files') },
    });
    expect(text(listed)).toContain('notes.txt');
    expect(proxy.toolListings().get('fs')).toBe(before);
    // The same session throughout: the client never had to initialize again.
    expect(agent.transport.sessionId).toBe(agent.session);
    expect(agent.session).toMatch(/^[0-9a-f-]{36}$/);
  }, 30_000);

  it('lists an upstream again when it sends list_changed, tells the session, and holds the drifted tool', async () => {
    const agent = await open(running.url);
    const told = new Promise<void>((resolve) =>
      agent.client.setNotificationHandler(ToolListChangedNotificationSchema, () => resolve()),
    );
    expect(
      text(await agent.client.callTool({ name: 'notify.send_message', arguments: { text: 'one' } })),
    ).toBe('sent');
    const listsBefore = lines(join(dir, 'notify.lists')).length;
    await agent.client.listTools();
    expect(lines(join(dir, 'notify.lists')).length).toBe(listsBefore);

    writeFileSync(join(dir, 'notify.description'), 'Sends a message to every channel of the company.');
    await told;
    const { tools } = await agent.client.listTools();
    const changed = tools.find((tool) => tool.name === 'notify.send_message') as Tool;
    expect(changed.description).toBe('Sends a message to every channel of the company.');
    expect(lines(join(dir, 'notify.lists')).length).toBeGreaterThan(listsBefore);

    const after = await agent.client.callTool({ name: 'notify.send_message', arguments: { text: 'two' } });
    expect(after.isError).toBe(true);
    expect(text(after)).toMatch(/^BLOCKED tool\.drifted: /);
    expect(lines(join(dir, 'notify.calls'))).toHaveLength(1);
  }, 30_000);

  it('lists an upstream again once its listing outlives cache_ttl_ms, and holds a silent change', async () => {
    const agent = await open(running.url);
    expect(
      text(await agent.client.callTool({ name: 'quiet.send_message', arguments: { text: 'one' } })),
    ).toBe('sent');
    const listsBefore = lines(join(dir, 'quiet.lists')).length;
    writeFileSync(join(dir, 'quiet.description'), 'Sends a message to every channel of the company.');
    await new Promise((resolve) => setTimeout(resolve, 400));
    const { tools } = await agent.client.listTools();
    const changed = tools.find((tool) => tool.name === 'quiet.send_message') as Tool;
    expect(changed.description).toBe('Sends a message to every channel of the company.');
    expect(lines(join(dir, 'quiet.lists')).length).toBeGreaterThan(listsBefore);
    const after = await agent.client.callTool({ name: 'quiet.send_message', arguments: { text: 'two' } });
    expect(text(after)).toMatch(/^BLOCKED tool\.drifted: /);
    expect(lines(join(dir, 'quiet.calls'))).toHaveLength(1);
  }, 30_000);

  it('refuses a session id sent with another agent key exactly as an unknown one, and keeps the session', async () => {
    const owner = await open(running.url);
    const call = {
      jsonrpc: '2.0',
      id: 7,
      method: 'tools/call',
      params: { name: 'fs.list_directory', arguments: { path: join(dir, 'files') } },
    };
    const hijack = await raw(running.url, OTHER, owner.session, 'POST', call);
    const hijackBody = await hijack.text();
    expect(hijack.status).toBe(404);
    expect(hijackBody).not.toContain('notes.txt');
    const unknown = await raw(running.url, OTHER, '00000000-0000-4000-8000-000000000000', 'POST', call);
    expect(unknown.status).toBe(404);
    expect(await unknown.text()).toBe(hijackBody);
    // Nor can another key end it.
    expect((await raw(running.url, OTHER, owner.session, 'DELETE')).status).toBe(404);
    // A hostile id is just unknown.
    expect((await raw(running.url, KEYS.agent, '../../../etc/passwd%00<script>', 'POST', call)).status).toBe(
      404,
    );
    expect(warnings.some((w) => w.includes('another agent key opened'))).toBe(true);

    const listed = await owner.client.callTool({
      name: 'fs.list_directory',
      arguments: { path: join(dir, 'files') },
    });
    expect(text(listed)).toContain('notes.txt');
    // The owner's own DELETE ends it; the id then answers 404.
    expect((await raw(running.url, KEYS.agent, owner.session, 'DELETE')).status).toBe(200);
    expect((await raw(running.url, KEYS.agent, owner.session)).status).toBe(404);
  }, 30_000);

  it('answers 400 to a request that names no session and is not an initialize', async () => {
    const response = await fetch(running.url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${KEYS.agent}`,
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('initialize');
  });

  it('fails closed when an upstream dies: the call is an error, and its tools leave the listing', async () => {
    const agent = await open(running.url);
    const listed = (await agent.client.listTools()).tools.map((tool) => tool.name);
    expect(listed).toContain('dying.ping');
    const died = await agent.client.callTool({ name: 'dying.ping', arguments: {} });
    expect(died.isError).toBe(true);
    expect(text(died)).not.toMatch(/^pong/);
    // Given up on after one crash (max_consecutive 1): the reused listing is not served for it.
    const after = (await agent.client.listTools()).tools.map((tool) => tool.name);
    expect(after).not.toContain('dying.ping');
    expect(after).toContain('fs.list_directory');
    const again = await agent.client.callTool({ name: 'dying.ping', arguments: {} });
    expect(again.isError).toBe(true);
    expect(text(again)).toMatch(/^BLOCKED tool\.unknown: /);
  }, 30_000);
});

describe('MCP proxy over HTTP: session bounds', () => {
  it('closes a key’s least recently used session past max_per_agent_key and refuses past max_total', async () => {
    const bounded = served({
      sessions: { max_per_agent_key: 2, max_total: 3 },
      servers: { fs: { command: process.execPath, args: [FILESYSTEM, join(dir, 'files')] } },
    });
    const { url, sessions } = await bounded.listen({ port: 0 });
    const first = await open(url);
    const second = await open(url);
    const third = await open(url);
    expect(sessions()).toBe(2);
    expect((await raw(url, KEYS.agent, first.session)).status).toBe(404);
    expect((await raw(url, KEYS.agent, second.session)).status).toBe(200);
    expect((await raw(url, KEYS.agent, third.session)).status).toBe(200);

    const other = await open(url, OTHER);
    expect(sessions()).toBe(3);
    // Full: a key with no session is refused rather than closing another key's.
    await expect(open(url, THIRD)).rejects.toThrow(/as many MCP sessions open as it keeps/);
    expect(sessions()).toBe(3);
    // A key that has one makes room from its own.
    const otherAgain = await open(url, OTHER);
    expect(sessions()).toBe(3);
    expect((await raw(url, OTHER, other.session)).status).toBe(404);
    expect((await raw(url, OTHER, otherAgain.session)).status).toBe(200);
    expect((await raw(url, KEYS.agent, second.session)).status).toBe(200);
  }, 30_000);

  it('closes a session idle past idle_timeout_ms', async () => {
    const idle = served({
      sessions: { idle_timeout_ms: 200 },
      servers: { fs: { command: process.execPath, args: [FILESYSTEM, join(dir, 'files')] } },
    });
    const { url, sessions } = await idle.listen({ port: 0 });
    const agent = await open(url);
    expect(sessions()).toBe(1);
    for (let waited = 0; sessions() > 0 && waited < 10_000; waited += 100)
      await new Promise((resolve) => setTimeout(resolve, 100));
    expect(sessions()).toBe(0);
    expect((await raw(url, KEYS.agent, agent.session)).status).toBe(404);
  }, 30_000);
});
