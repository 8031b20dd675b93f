/**
 * What the MCP proxy tests share: an in-process reference gateway with agent, admin and proxy keys,
 * approving a listed tool as an admin would, an agent client over Streamable HTTP, and the fixtures.
 */
import { mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createFileStores, createGateway, type Gateway } from '@actpass/gateway';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Tool } from '@modelcontextprotocol/sdk/types.js';

const require = createRequire(import.meta.url);
export const FILESYSTEM = require.resolve('@modelcontextprotocol/server-filesystem/dist/index.js');
export const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
export const HOSTILE = fileURLToPath(new URL('./fixtures/hostile-server.mjs', import.meta.url));

export const KEYS = {
  agent: 'ak_mcp_h_agent_0123456789',
  admin: 'ak_mcp_h_admin_0123456789',
  proxy: 'ak_mcp_h_proxy_0123456789',
};

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function testGateway(dir: string, policy: Record<string, unknown>): Gateway {
  return createGateway({
    tenants: [{ id: 'acme', policy }],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'] },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin'] },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'] },
    ],
    stores: createFileStores(join(dir, 'state')),
    vaultKey: null,
  });
}

/** A policy allowing every tool whose name matches one of `globs`, denying the rest. */
export function allowPolicy(...globs: string[]): Record<string, unknown> {
  return {
    id: 'mcp-hostile-test',
    version: 1,
    default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
    rules: globs.map((glob, i) => ({
      id: `allow-${i}`,
      when: [{ path: 'tool', operator: 'glob', value: glob }],
      decision: 'allow',
      reason: 'test.allowed',
      risk_tier: 'low',
    })),
  };
}

/**
 * Approves a tool exactly as the proxy listed it (an admin reviewing what the agent sees); two
 * filesystem servers name each other's tools, which the review acknowledges.
 */
export async function approve(gateway: Gateway, tool: Tool): Promise<void> {
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
      body: JSON.stringify({ ...definition, acknowledge_findings: true }),
    }),
  );
  if (response.status !== 200) throw new Error(`approve ${definition.name}: ${await response.text()}`);
}

export async function httpAgent(url: string, key = KEYS.agent): Promise<Client> {
  const client = new Client({ name: 'test-agent', version: '1' });
  await client.connect(
    new StreamableHTTPClientTransport(new URL(url), {
      requestInit: { headers: { authorization: `Bearer ${key}` } },
    }),
  );
  return client;
}

/**
 * Lists until every named server has tools in the listing (a server still starting is skipped by a
 * listing, not failed), at most `rounds` times.
 */
export async function listStarted(client: Client, servers: string[], rounds = 10): Promise<Tool[]> {
  let tools: Tool[] = [];
  for (let round = 0; round < rounds; round++) {
    tools = (await client.listTools()).tools;
    if (servers.every((server) => tools.some((tool) => tool.name.startsWith(`${server}.`)))) return tools;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`servers not listed after ${rounds} listings: ${servers.join(', ')}`);
}

export function text(result: unknown): string {
  const content = (result as { content: Array<{ type: string; text?: string }> }).content;
  return content.map((part) => part.text ?? '').join('');
}

export async function evidence(
  gateway: Gateway,
): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const response = await gateway.fetch(
    new Request('http://gw/api/v1/evidence?limit=1000', {
      headers: { authorization: `Bearer ${KEYS.admin}` },
    }),
  );
  return ((await response.json()) as { events: Array<{ type: string; data: Record<string, unknown> }> })
    .events;
}
