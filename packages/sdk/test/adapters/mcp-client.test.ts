/**
 * The MCP wrapper around a real MCP client connected (in memory) to a real MCP server: the guarded
 * client is still a `Client` with every method, and a blocked call never reaches the server.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
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

  it('answers an unlisted tool or arguments its schema rejects without deciding or sending, and refuses tools/call sent around callTool', async () => {
    const { client, ran } = await connected();
    const { fetch, requests } = scriptedFetch([{ status: 200, json: decisionOf('allow') }]);
    const actpass = new ActPass({
      apiKey: 'k',
      baseUrl: BASE_URL,
      fetch,
      maxRetries: 0,
      recordOutcomes: false,
      logger: { warn: vi.fn(), info: vi.fn(), debug: vi.fn(), error: vi.fn() },
    });
    // No listTools first: the guard reads the server's listing itself.
    const guarded = guardClient(actpass, client, { goal: 'g' });

    // Mapped to a valid ActPass name, a hostile MCP name reaches the listing check.
    const mapped = guardClient(actpass, client, { goal: 'g', tool: () => 'payments.refund' });
    const unknown = await mapped.callTool({ name: 'refund\u202Eexe.\ntransfer', arguments: {} });
    expect(unknown.isError).toBe(true);
    const unknownText = JSON.stringify(unknown.content);
    expect(unknownText).toContain('does not list it');
    // The hostile name is shown escaped: no raw line break or bidi override reaches the model.
    expect(unknownText).toContain('\\\\u202e');
    expect(unknownText).not.toMatch(/[\u202e\n]/);

    const invalid = await guarded.callTool({ name: 'refund', arguments: { amount: 'all of it' } });
    expect(invalid.isError).toBe(true);
    expect(JSON.stringify(invalid.content)).toContain('arguments.amount: expected number');
    expect(requests).toHaveLength(0); // neither was decided
    expect(ran).toEqual([]);

    await expect(
      guarded.request(
        { method: 'tools/call', params: { name: 'refund', arguments: { amount: 1 } } },
        CallToolResultSchema,
      ),
    ).rejects.toThrow(/without a decision.*client\.callTool/);
    expect(ran).toEqual([]);

    const allowed = await guarded.callTool({ name: 'refund', arguments: { amount: 4900 } });
    expect(JSON.stringify(allowed.content)).toContain('refunded 4900');
    expect(requests).toHaveLength(1);
    await guarded.close();
  });
});
