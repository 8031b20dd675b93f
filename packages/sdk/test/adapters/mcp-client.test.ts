/**
 * The MCP wrapper around a real MCP client connected (in memory) to a real MCP server: the guarded
 * client is still a `Client` with every method, and a blocked call never reaches the server.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { guardClient } from '../../src/adapters/mcp.js';
import { ActPass } from '../../src/index.js';
import { BASE_URL, decisionOf } from '../helpers/fixtures.js';
import { recordingSleep, scriptedFetch } from '../helpers/scripted-fetch.js';

async function connected() {
  const ran: number[] = [];
  const server = new McpServer({ name: 'payments', version: '1.0.0' });
  server.registerTool(
    'refund',
    { description: 'Refund', inputSchema: { amount: z.number() } },
    async ({ amount }) => {
      ran.push(amount);
      return { content: [{ type: 'text', text: `refunded ${amount}` }] };
    },
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'agent', version: '1.0.0' });
  await client.connect(clientSide);
  return { client, ran };
}

describe('guardClient', () => {
  it('returns a real MCP Client whose callTool is decided first', async () => {
    const { client, ran } = await connected();
    const { fetch } = scriptedFetch([
      { status: 200, json: decisionOf('deny', { reason_code: 'refund.large_denied' }) },
      { status: 200, json: decisionOf('allow') },
    ]);
    const actpass = new ActPass({
      apiKey: 'k',
      baseUrl: BASE_URL,
      fetch,
      maxRetries: 0,
      recordOutcomes: false,
      sleep: recordingSleep().sleep,
      logger: { warn: vi.fn(), info: vi.fn(), debug: vi.fn(), error: vi.fn() },
    });
    const guarded = guardClient(actpass, client, { goal: 'g', tool: (name) => `payments.${name}` });
    expect(guarded).toBeInstanceOf(Client);
    expect(guarded.client).toBe(client);
    expect((await guarded.listTools()).tools.map((t) => t.name)).toEqual(['refund']);
    expect(guarded.getServerVersion()?.name).toBe('payments');

    const blocked = await guarded.callTool({ name: 'refund', arguments: { amount: 60000 } });
    expect(blocked.isError).toBe(true);
    expect(JSON.stringify(blocked.content)).toContain('BLOCKED refund.large_denied');
    expect(ran).toEqual([]);

    const allowed = await guarded.callTool({ name: 'refund', arguments: { amount: 4900 } });
    expect(JSON.stringify(allowed.content)).toContain('refunded 4900');
    expect(ran).toEqual([4900]);
    await guarded.close();
  });
});
