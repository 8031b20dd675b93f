/**
 * One ActPass middleware on a LangChain v1 agent (`createAgent`'s `wrapToolCall` hook; LangGraph's
 * `interrupt` with a checkpointer in durable mode), driven by the agent's own loop with LangChain's
 * FakeToolCallingModel, against the real gateway on loopback with the refunds pack.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, MemorySaver } from '@langchain/langgraph';
import { MultiServerMCPClient } from '@langchain/mcp-adapters';
import { createAgent, FakeToolCallingModel, ToolMessage, tool } from 'langchain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { actpassMiddleware, langchainInterceptor } from '../../src/adapters/langchain.js';
import { ActPass } from '../../src/index.js';
import { type LiveGateway, startGateway } from '../helpers/live-gateway.js';

let gateway: LiveGateway;
beforeAll(async () => {
  gateway = await startGateway();
}, 60_000);
afterAll(() => gateway?.stop());

const options = { goal: 'resolve_refund_request', tool: () => 'stripe.refund.create' };

function refundTool(ran: number[]) {
  return tool(
    async ({ amount }) => {
      ran.push(amount);
      return `refunded ${amount}`;
    },
    {
      name: 'refund',
      description: 'Refund a charge',
      schema: z.object({ charge: z.string(), amount: z.number().int() }),
    },
  );
}

/** One tool call, then a final answer. */
const model = (args: Record<string, unknown>, name = 'refund') =>
  new FakeToolCallingModel({ toolCalls: [[{ name, args, id: 'c1' }], []] });

function toolTexts(messages: unknown[]): string[] {
  return messages.filter((m) => ToolMessage.isInstance(m)).map((m) => String((m as ToolMessage).content));
}

async function runOnce(client: ActPass, amount: unknown) {
  const ran: number[] = [];
  const agent = createAgent({
    model: model({ charge: 'ch_1', amount }),
    tools: [refundTool(ran)],
    middleware: [actpassMiddleware(client, options)],
  });
  const result = await agent.invoke({ messages: [{ role: 'user', content: 'refund it' }] });
  return { ran, told: toolTexts(result.messages) };
}

describe('actpassMiddleware: one wrapToolCall hook per agent', () => {
  it('allows a small refund', async () => {
    const { ran, told } = await runOnce(gateway.client('agent'), 4900);
    expect(ran).toEqual([4900]);
    expect(told).toEqual(['refunded 4900']);
  });

  it('denies a large refund: the model reads the reason code', async () => {
    const { ran, told } = await runOnce(gateway.client('agent'), 60000);
    expect(ran).toEqual([]);
    expect(told[0]).toMatch(/^BLOCKED refund\.large_denied: /);
  });

  it('holds a medium refund in result mode: the model reads the approval request id', async () => {
    const { ran, told } = await runOnce(gateway.client('agent'), 25000);
    expect(ran).toEqual([]);
    expect(told[0]).toMatch(/^BLOCKED refund\.medium_needs_approval: .*apr_/);
  });

  it('throw mode: the run rejects with the ToolBlockedError', async () => {
    const agent = createAgent({
      model: model({ charge: 'ch_1', amount: 60000 }),
      tools: [refundTool([])],
      middleware: [actpassMiddleware(gateway.client('agent'), { ...options, onBlocked: 'throw' })],
    });
    const run = agent.invoke({ messages: [{ role: 'user', content: 'refund it' }] });
    await expect(run).rejects.toThrow(/^BLOCKED refund\.large_denied: /);
  });

  it('fails closed when the gateway cannot be reached', async () => {
    const unreachable = new ActPass({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9',
      maxRetries: 0,
      logger: {},
      recordOutcomes: false,
    });
    const { ran, told } = await runOnce(unreachable, 4900);
    expect(ran).toEqual([]);
    expect(told[0]).toMatch(/^BLOCKED client\./);
  });

  it('invalid arguments are rejected by the tool schema before any decision', async () => {
    const { client, paths } = gateway.recording('agent');
    const { ran, told } = await runOnce(client, 'lots');
    expect(ran).toEqual([]);
    expect(paths).toEqual([]);
    expect(told[0]).toMatch(/did not match expected schema/);
  });

  it('guards the tools the agent loads from an MCP server (the real filesystem server)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'actpass-mcp-'));
    const mcp = new MultiServerMCPClient({
      mcpServers: { fs: { transport: 'stdio', command: process.execPath, args: [FILESYSTEM_SERVER, root] } },
    });
    try {
      const tools = await mcp.getTools();
      const write = tools.find((t) => t.name.endsWith('write_file'));
      expect(write).toBeDefined();
      const agent = createAgent({
        model: model({ path: join(root, 'pwned.txt'), content: 'x' }, write!.name),
        tools,
        middleware: [actpassMiddleware(gateway.client('agent'), { goal: 'tidy', tool: (n) => `fs.${n}` })],
      });
      const result = await agent.invoke({ messages: [{ role: 'user', content: 'write' }] });
      expect(readdirSync(root)).toEqual([]);
      expect(toolTexts(result.messages)[0]).toMatch(/^BLOCKED policy\.no_match/);
    } finally {
      await mcp.close();
      rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);
});

const FILESYSTEM_SERVER = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../gateway/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);

describe('durable approvals: interrupt with a checkpointer, resumed with the ActPass decision', () => {
  const checkpointer = new MemorySaver();
  let thread = 0;

  function agentFor(ran: number[]) {
    const interceptor = langchainInterceptor(gateway.client('agent'), { ...options, approvals: 'durable' });
    const agent = createAgent({
      model: model({ charge: 'ch_1', amount: 25000 }),
      tools: [refundTool(ran)],
      middleware: [interceptor.middleware],
      checkpointer,
    });
    return { agent, interceptor };
  }

  async function held() {
    const ran: number[] = [];
    const config = { configurable: { thread_id: `t${++thread}` } };
    const { agent } = agentFor(ran);
    const result = await agent.invoke({ messages: [{ role: 'user', content: 'refund it' }] }, config);
    expect(ran).toEqual([]);
    const interrupts = (result as { __interrupt__?: { id: string; value: unknown }[] }).__interrupt__ ?? [];
    expect(interrupts).toHaveLength(1);
    const value = interrupts[0]!.value as { actpass: { approvalRequestId: string; text: string } };
    expect(value.actpass.approvalRequestId).toMatch(/^apr_/);
    expect(value.actpass.text).toMatch(/^BLOCKED refund\.medium_needs_approval/);
    return { config, approvalId: value.actpass.approvalRequestId };
  }

  /** A new process: a new agent and middleware, the same checkpointer and thread. */
  async function resume(config: { configurable: { thread_id: string } }) {
    const ran: number[] = [];
    const { agent, interceptor } = agentFor(ran);
    const state = await agent.graph.getState(config);
    const interrupts = state.tasks.flatMap((task) => task.interrupts);
    const resumed = await interceptor.resume(interrupts);
    const result = await agent.invoke(new Command({ resume: resumed.resume }), config);
    return { ran, resumed, told: toolTexts(result.messages) };
  }

  it('approved in ActPass: the resumed call runs once and the request is used', async () => {
    const { config, approvalId } = await held();
    await gateway.client('approver').approvals.approve(approvalId);
    const { ran, told, resumed } = await resume(config);
    expect(resumed.statuses.map((s) => s.status)).toEqual(['approved']);
    expect(ran).toEqual([25000]);
    expect(told).toContain('refunded 25000');
    expect((await gateway.client('agent').approvals.get(approvalId)).status).toBe('used');
  });

  it('denied in ActPass: the resumed call is refused and the model reads why', async () => {
    const { config, approvalId } = await held();
    await gateway.client('approver').approvals.deny(approvalId, { note: 'not eligible' });
    const { ran, told } = await resume(config);
    expect(ran).toEqual([]);
    expect(told.join()).toMatch(/BLOCKED approval\.denied/);
  });

  it('resumed by the app alone (no ActPass approval): the call does not run, the agent is held again', async () => {
    const { config } = await held();
    const ran: number[] = [];
    const { agent } = agentFor(ran);
    const result = await agent.invoke(new Command({ resume: 'approved' }), config);
    // The call is decided afresh and held afresh: it never runs, and what the run ends with — a new
    // pause on the ActPass request, or (as LangGraph may resume a node's second interrupt) the BLOCKED
    // text — names the approval a person must decide.
    expect(ran).toEqual([]);
    const again = (result as { __interrupt__?: { value: { actpass?: { text: string } } }[] }).__interrupt__;
    const answer = again?.[0]?.value.actpass?.text ?? JSON.stringify(result);
    expect(answer).toMatch(/BLOCKED refund\.medium_needs_approval: .*apr_/);
  });
});
