/**
 * The guarded MCP client is a real MCP `Client`: a framework's own MCP loader (LangChain's
 * `loadMcpTools`) takes it as it is, and the agent's tool calls through it are decided by the real
 * gateway on loopback before they reach the real MCP server (in memory).
 */
import { loadMcpTools } from '@langchain/mcp-adapters';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createAgent, FakeToolCallingModel, ToolMessage } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { guardClient } from '../../src/adapters/mcp.js';
import { ActPass } from '../../src/index.js';
import { type LiveGateway, startGateway } from '../helpers/live-gateway.js';

let gateway: LiveGateway;
beforeAll(async () => {
  gateway = await startGateway();
}, 60_000);
afterAll(() => gateway?.stop());

async function paymentsServer() {
  const ran: number[] = [];
  const server = new McpServer({ name: 'payments', version: '1.0.0' });
  server.registerTool(
    'refund',
    { description: 'Refund a charge', inputSchema: { charge: z.string(), amount: z.number().int() } },
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

async function agentRun(actpass: ActPass, amount: number) {
  const { client, ran } = await paymentsServer();
  const guarded = guardClient(actpass, client, {
    goal: 'resolve_refund_request',
    tool: () => 'stripe.refund.create',
  });
  expect(guarded).toBeInstanceOf(Client);
  const tools = await loadMcpTools('payments', guarded);
  const agent = createAgent({
    model: new FakeToolCallingModel({
      toolCalls: [[{ name: tools[0]!.name, args: { charge: 'ch_1', amount }, id: 'c1' }], []],
    }),
    tools,
  });
  const result = await agent.invoke({ messages: [{ role: 'user', content: 'refund' }] });
  await guarded.close();
  const told = result.messages.filter((m) => ToolMessage.isInstance(m)).map((m) => JSON.stringify(m.content));
  return { ran, told: told.join() };
}

describe('guardClient inside a framework that loads MCP tools from a Client', () => {
  it('allows a small refund through to the server', async () => {
    const { ran, told } = await agentRun(gateway.client('agent'), 4900);
    expect(ran).toEqual([4900]);
    expect(told).toContain('refunded 4900');
  });

  it('denies a large refund before it reaches the server', async () => {
    const { ran, told } = await agentRun(gateway.client('agent'), 60000);
    expect(ran).toEqual([]);
    expect(told).toContain('BLOCKED refund.large_denied');
  });

  it('holds a medium refund, naming the approval request; the retry after approval runs once', async () => {
    const actpass = gateway.client('agent');
    const held = await agentRun(actpass, 25000);
    expect(held.ran).toEqual([]);
    const id = /apr_[A-Za-z0-9_-]+/.exec(held.told)?.[0];
    expect(id).toBeDefined();
    await gateway.client('approver').approvals.approve(id!);
    const retried = await agentRun(actpass, 25000);
    expect(retried.ran).toEqual([25000]);
    expect((await gateway.client('agent').approvals.get(id!)).status).toBe('used');
  });

  it('holds a medium refund; denied by a person, the retry reads the denial and never reaches the server', async () => {
    const actpass = gateway.client('agent');
    const held = await agentRun(actpass, 25000);
    const id = /apr_[A-Za-z0-9_-]+/.exec(held.told)?.[0];
    expect(id).toBeDefined();
    await gateway.client('approver').approvals.deny(id!, { note: 'not eligible' });
    const retried = await agentRun(actpass, 25000);
    expect(retried.ran).toEqual([]);
    expect(retried.told).toContain('BLOCKED approval.denied');
  });

  it('fails closed when the gateway cannot be reached', async () => {
    const unreachable = new ActPass({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9',
      maxRetries: 0,
      logger: {},
      recordOutcomes: false,
    });
    const { ran, told } = await agentRun(unreachable, 4900);
    expect(ran).toEqual([]);
    expect(told).toMatch(/BLOCKED client\./);
  });
});
