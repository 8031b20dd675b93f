/**
 * MCP: a real MCP server (the SDK's `McpServer`) exposes `refund`; an MCP host connects with the SDK's
 * `Client` over the SDK's in-memory transport and calls tools through the guarded client, as a model
 * asks. A blocked call never reaches the server.
 */
import { type GuardToolOptions, guardClient } from '@actpass/sdk/mcp';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { type AgentRun, finalAnswer, GOAL, REQUESTS, resourceOf, type Setup, TOOL } from './harness.js';

export interface McpServerCalls {
  /** Every `tools/call` that reached the server. */
  received: string[];
}

export async function connectRefundServer(setup: Setup): Promise<{ client: Client; server: McpServerCalls }> {
  const server = new McpServer({ name: 'payments', version: '1.0.0' });
  const calls: McpServerCalls = { received: [] };
  server.registerTool(
    'refund',
    {
      description: 'Refund a charge, amount in cents',
      inputSchema: { charge: z.string(), amount: z.number().int() },
    },
    async (input) => {
      calls.received.push(`refund ${input.charge}`);
      return { content: [{ type: 'text', text: setup.payments.refund(input) }] };
    },
  );
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  const client = new Client({ name: 'support-agent', version: '1.0.0' });
  await client.connect(clientSide);
  return { client, server: calls };
}

type McpArgs = Record<string, unknown>;

export async function runMcp(
  setup: Setup,
  extra: Partial<GuardToolOptions<McpArgs, unknown>> = {},
): Promise<AgentRun & { server: McpServerCalls }> {
  const { client, server } = await connectRefundServer(setup);
  try {
    const guarded = guardClient(setup.agent, client, {
      tool: (name) => (name === 'refund' ? TOOL : `payments.${name}`),
      goal: GOAL,
      resource: (args) => resourceOf(args as { charge: string; amount: number }),
      ...extra,
    });
    // The host's model turn: one tools/call per refund it wants, then it reads the results.
    const { tools } = await client.listTools();
    if (!tools.some((t) => t.name === 'refund')) throw new Error('the server has no refund tool');
    const toolResults: string[] = [];
    for (const args of REQUESTS) {
      const result = await guarded.callTool({ name: 'refund', arguments: { ...args } });
      const content = (result.content ?? []) as { type: string; text?: string }[];
      toolResults.push(content.map((part) => part.text ?? '').join(''));
    }
    return {
      framework: 'MCP client',
      toolResults,
      finalText: finalAnswer(toolResults),
      refunded: setup.payments.refunded,
      server,
    };
  } finally {
    await client.close();
  }
}
