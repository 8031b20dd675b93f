/**
 * The MCP proxy with real MCP servers from npm (filesystem on a temp dir, everything) and a small
 * local server whose tool description changes, driven by the official MCP client over Streamable HTTP.
 * Denied, held, unapproved and drifted calls never reach the upstream.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileStores, createGateway, type Gateway } from '@actpass/gateway';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMcpProxy, type McpProxy } from '../../../src/proxy/mcp/index.js';

const require = createRequire(import.meta.url);
const FILESYSTEM = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');
const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
const DRIFTING = fileURLToPath(new URL('./fixtures/drifting-server.mjs', import.meta.url));

const KEYS = {
  agent: 'ak_mcp_agent_0123456789',
  admin: 'ak_mcp_admin_0123456789',
  proxy: 'ak_mcp_proxy_0123456789',
};

const POLICY = {
  id: 'mcp-proxy-test',
  version: 1,
  default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
  rules: [
    {
      id: 'fs-write',
      when: [{ path: 'tool', operator: 'glob', value: 'mcp.fs.write_*' }],
      decision: 'deny',
      reason: 'fs.write_denied',
      risk_tier: 'high',
    },
    {
      id: 'fs-other',
      when: [{ path: 'tool', operator: 'glob', value: 'mcp.fs.*' }],
      decision: 'allow',
      reason: 'fs.read_allowed',
      risk_tier: 'low',
    },
    {
      id: 'everything',
      when: [{ path: 'tool', operator: 'glob', value: 'mcp.everything.*' }],
      decision: 'allow',
      reason: 'everything.allowed',
      risk_tier: 'low',
    },
    {
      id: 'local',
      when: [{ path: 'tool', operator: 'glob', value: 'mcp.local.*' }],
      decision: 'allow',
      reason: 'local.allowed',
      risk_tier: 'low',
    },
  ],
};

let dir: string;
let workspace: string;
let gateway: Gateway;
let proxy: McpProxy;
let url: string;
const clients: Client[] = [];

async function connectAgent(key = KEYS.agent): Promise<Client> {
  const client = new Client({ name: 'test-agent', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  clients.push(client);
  return client;
}

async function approve(tool: Tool): Promise<void> {
  const definition = {
    name: `mcp.${tool.name}`,
    description: tool.description ?? '',
    input_schema: tool.inputSchema,
    ...(tool.outputSchema ? { output_schema: tool.outputSchema } : {}),
    ...(tool.annotations ? { annotations: tool.annotations } : {}),
  };
  const response = await gateway.fetch(
    new Request(`http://gw/api/v1/tools/${definition.name}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify(definition),
    }),
  );
  if (response.status !== 200) throw new Error(`approve ${definition.name}: ${await response.text()}`);
}

function text(result: unknown): string {
  const content = (result as { content: Array<{ type: string; text?: string }> }).content;
  return content.map((part) => part.text ?? '').join('');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'actpass-mcp-'));
  workspace = join(dir, 'workspace');
  require('node:fs').mkdirSync(workspace);
  writeFileSync(join(workspace, 'notes.txt'), 'hello from the workspace');
  writeFileSync(join(dir, 'description.txt'), 'Sends a message to the team channel.');
  writeFileSync(join(dir, 'calls.log'), '');
  gateway = createGateway({
    tenants: [{ id: 'acme', policy: POLICY }],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'] },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'] },
    ],
    stores: createFileStores(join(dir, 'state')),
    vaultKey: null,
  });
  proxy = createMcpProxy(
    {
      unapproved: 'hold',
      servers: {
        fs: { command: process.execPath, args: [FILESYSTEM, workspace] },
        everything: { command: process.execPath, args: [EVERYTHING, 'stdio'] },
        local: {
          command: process.execPath,
          args: [DRIFTING],
          env: {
            DRIFT_DESCRIPTION_FILE: join(dir, 'description.txt'),
            DRIFT_CALLS_FILE: join(dir, 'calls.log'),
          },
          // It drifts without saying so: its listing is never reused, as after its time to live
          // (sessions.test.ts covers the reused listing and list_changed).
          listing: { cache_ttl_ms: 1 },
        },
      },
    },
    { gateway: { proxyKey: KEYS.proxy, fetch: gateway.fetch, maxRetries: 0 } },
  );
  url = (await proxy.listen({ port: 0 })).url;
}, 60_000);

afterAll(async () => {
  for (const client of clients) await client.close().catch(() => undefined);
  await proxy?.close();
  await gateway?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('MCP proxy', () => {
  it('lists upstream tools as <server>.<tool>, names that satisfy the tool-name rule', async () => {
    const agent = await connectAgent();
    const { tools } = await agent.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['fs.write_file', 'fs.list_directory', 'everything.echo', 'local.send_message']),
    );
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    for (const tool of tools) if (!tool.name.startsWith('local.')) await approve(tool);
  }, 60_000);

  it('answers an unapproved (held) tool BLOCKED tool.unregistered without calling the upstream', async () => {
    const agent = await connectAgent();
    const result = await agent.callTool({ name: 'local.send_message', arguments: { text: 'hi' } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^BLOCKED tool\.unregistered: /);
    expect(readFileSync(join(dir, 'calls.log'), 'utf8')).toBe('');
  });

  it('forwards an allowed call: filesystem read and everything echo', async () => {
    const agent = await connectAgent();
    const listed = await agent.callTool({ name: 'fs.list_directory', arguments: { path: workspace } });
    expect(listed.isError).not.toBe(true);
    expect(text(listed)).toContain('notes.txt');
    const echoed = await agent.callTool({
      name: 'everything.echo',
      arguments: { message: 'through the proxy' },
    });
    expect(text(echoed)).toContain('through the proxy');
  }, 30_000);

  it('refuses a denied write with BLOCKED <reason_code>: and leaves no file', async () => {
    const agent = await connectAgent();
    const target = join(workspace, 'pwned.txt');
    const result = await agent.callTool({ name: 'fs.write_file', arguments: { path: target, content: 'x' } });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/^BLOCKED fs\.write_denied: /);
    expect(existsSync(target)).toBe(false);
  });

  it('answers require_tool_reapproval once the upstream tool definition drifts', async () => {
    const agent = await connectAgent();
    const { tools } = await agent.listTools();
    await approve(tools.find((tool) => tool.name === 'local.send_message') as Tool);
    await agent.listTools();
    const before = await agent.callTool({ name: 'local.send_message', arguments: { text: 'one' } });
    expect(text(before)).toBe('sent');
    // A quiet rewording: nothing the inspection flags (an instruction to the model would now be held as
    // tool.suspicious before drift is even compared), but a different definition all the same.
    writeFileSync(join(dir, 'description.txt'), 'Sends a message to every channel of the company.');
    await agent.listTools();
    const after = await agent.callTool({ name: 'local.send_message', arguments: { text: 'two' } });
    expect(after.isError).toBe(true);
    expect(text(after)).toMatch(/^BLOCKED tool\.drifted: /);
    const calls = readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toContain('"name":"send.message"');
  }, 30_000);

  it('records each forwarded call as action.outcome evidence', async () => {
    await proxy.settled();
    const response = await gateway.fetch(
      new Request('http://gw/api/v1/evidence?limit=1000', {
        headers: { authorization: `Bearer ${KEYS.admin}` },
      }),
    );
    const { events } = (await response.json()) as {
      events: Array<{ type: string; data: Record<string, unknown> }>;
    };
    const outcomes = events
      .filter((event) => event.type === 'action.outcome')
      .map((event) => event.data.tool);
    expect(outcomes).toEqual(
      expect.arrayContaining(['mcp.fs.list_directory', 'mcp.everything.echo', 'mcp.local.send_message']),
    );
  });

  it('answers 401 to an HTTP caller without a key', async () => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(401);
  });
});
