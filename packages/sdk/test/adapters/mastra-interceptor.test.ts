/**
 * One ActPass interceptor over a Mastra agent's tools (MCP tools from `@mastra/mcp` included; Mastra's
 * suspend and resume in durable mode), driven by a real Mastra `Agent` with the AI SDK's mock model,
 * against the real gateway on loopback with the refunds pack.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Mastra } from '@mastra/core';
import { Agent } from '@mastra/core/agent';
import { InMemoryStore } from '@mastra/core/storage';
import { createTool } from '@mastra/core/tools';
import { MCPClient } from '@mastra/mcp';
import { MockLanguageModelV3 } from 'ai/test';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  isBlockedResult,
  type MastraInterceptOptions,
  mastraInterceptor,
} from '../../src/adapters/mastra.js';
import { ActPass, MisconfiguredError } from '../../src/index.js';
import { approveTheNextRequest } from '../helpers/approve-next.js';
import { type LiveGateway, startGateway } from '../helpers/live-gateway.js';

let gateway: LiveGateway;
beforeAll(async () => {
  gateway = await startGateway();
}, 60_000);
afterAll(() => gateway?.stop());

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};

/** Calls `name` once with `input`, then ends its turn; `seen` collects the tool results it was sent. */
function oneCallModel(name: string, input: unknown) {
  const seen: string[] = [];
  const model = new MockLanguageModelV3({
    doGenerate: async (call) => {
      const results = call.prompt.flatMap((m) =>
        m.role !== 'tool'
          ? []
          : m.content.flatMap((p) => (p.type === 'tool-result' ? [JSON.stringify(p.output)] : [])),
      );
      if (results.length > 0) {
        seen.push(...results);
        return {
          content: [{ type: 'text', text: 'done' }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage,
          warnings: [],
        };
      }
      return {
        content: [{ type: 'tool-call', toolCallId: 'c1', toolName: name, input: JSON.stringify(input) }],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage,
        warnings: [],
      };
    },
  });
  return { model, seen };
}

function refundTool(ran: number[]) {
  return createTool({
    id: 'refund',
    description: 'Refund a charge, amount in cents',
    inputSchema: z.object({ charge: z.string(), amount: z.number().int() }),
    execute: async ({ amount }) => {
      ran.push(amount);
      return `refunded ${amount}`;
    },
  });
}

/** The same refund with an output shape of its own. */
function shapedRefundTool(ran: number[]) {
  return createTool({
    id: 'refund',
    description: 'Refund a charge, amount in cents',
    inputSchema: z.object({ charge: z.string(), amount: z.number().int() }),
    outputSchema: z.object({ refunded: z.number(), note: z.string() }),
    execute: async ({ amount }) => {
      ran.push(amount);
      return { refunded: amount, note: 'refunded' };
    },
  });
}

const options: MastraInterceptOptions = {
  goal: 'resolve_refund_request',
  tool: () => 'stripe.refund.create',
};

/** A Mastra app: the agent registered with a Mastra instance whose storage keeps suspended runs. */
function refundAgent(
  client: ActPass,
  amount: unknown,
  more: Partial<MastraInterceptOptions> = {},
  store = new InMemoryStore(),
  tool: (ran: number[]) => ReturnType<typeof refundTool | typeof shapedRefundTool> = refundTool,
) {
  const ran: number[] = [];
  const { model, seen } = oneCallModel('refund', { charge: 'ch_1', amount });
  const interceptor = mastraInterceptor(client, { ...options, ...more });
  const agent = new Agent({
    id: 'support',
    name: 'support',
    instructions: 'Resolve refund requests.',
    model,
    tools: interceptor.tools({ refund: tool(ran) }),
  });
  new Mastra({ agents: { support: agent }, storage: store, logger: false });
  return { agent, interceptor, ran, seen, store };
}

async function runOnce(client: ActPass, amount: unknown, more: Partial<MastraInterceptOptions> = {}) {
  const app = refundAgent(client, amount, more);
  const result = await app.agent.generate('refund it', { maxSteps: 3 });
  return { ...app, result };
}

describe('mastraInterceptor: every tool of the agent decided first', () => {
  it('allows a small refund', async () => {
    const { ran, seen, result } = await runOnce(gateway.client('agent'), 4900);
    expect(ran).toEqual([4900]);
    expect(seen.join()).toContain('refunded 4900');
    expect(result.finishReason).toBe('stop');
  });

  it('denies a large refund: the model reads the reason code', async () => {
    const { ran, seen } = await runOnce(gateway.client('agent'), 60000);
    expect(ran).toEqual([]);
    expect(seen.join()).toContain('BLOCKED refund.large_denied');
  });

  it('holds a medium refund in result mode: the model reads the approval request id', async () => {
    const { ran, seen, result } = await runOnce(gateway.client('agent'), 25000);
    expect(ran).toEqual([]);
    expect(result.finishReason).not.toBe('suspended');
    expect(seen.join()).toMatch(/BLOCKED refund\.medium_needs_approval: .*apr_/);
  });

  it('monitor mode: the call runs and the deny is only recorded', async () => {
    const { ran, seen } = await runOnce(gateway.client('agent'), 60000, { mode: 'monitor' });
    expect(ran).toEqual([60000]);
    expect(seen.join()).toContain('refunded 60000');
  });

  it('fails closed when the gateway cannot be reached', async () => {
    const unreachable = new ActPass({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9',
      maxRetries: 0,
      logger: {},
      recordOutcomes: false,
    });
    const { ran, seen } = await runOnce(unreachable, 4900);
    expect(ran).toEqual([]);
    expect(seen.join()).toMatch(/BLOCKED client\./);
  });

  it('simple mode: with waitForApproval the call waits for the approver, then runs once', async () => {
    const approving = await approveTheNextRequest(gateway.client('approver'));
    const { ran, seen } = await runOnce(gateway.client('agent'), 25000, {
      waitForApproval: { timeoutMs: 20_000, pollIntervalMs: 50 },
    });
    await approving.approved;
    expect(ran).toEqual([25000]);
    expect(seen.join()).toContain('refunded 25000');
  }, 30_000);

  it.each(['result', 'durable'] as const)(
    '%s mode: invalid arguments are rejected by Mastra before any decision',
    async (approvals) => {
      const { client, paths } = gateway.recording('agent');
      const { ran, seen, result } = await runOnce(client, 'lots', { approvals });
      expect(ran).toEqual([]);
      expect(paths).toEqual([]);
      expect(result.finishReason).not.toBe('suspended');
      expect(seen.join()).not.toContain('BLOCKED');
      expect(seen.join()).toMatch(/validation failed/i);
    },
  );

  it("throw mode: the call fails through Mastra's tool error path with the BLOCKED text", async () => {
    const { ran, seen } = await runOnce(gateway.client('agent'), 60000, { onBlocked: 'throw' });
    expect(ran).toEqual([]);
    // Mastra reports the thrown ToolBlockedError to the model as the tool's error.
    expect(seen.map((text) => JSON.parse(text).type)).toEqual(['error-text']);
    expect(seen.join()).toContain('BLOCKED refund.large_denied');
    expect(seen.join()).not.toContain('refunded');
  });

  it('a tool with an outputSchema fails a blocked call instead of returning a malformed output', async () => {
    const app = refundAgent(gateway.client('agent'), 60000, {}, undefined, shapedRefundTool);
    await app.agent.generate('refund it', { maxSteps: 3 });
    expect(app.ran).toEqual([]);
    expect(app.seen.map((text) => JSON.parse(text).type)).toEqual(['error-text']);
    expect(app.seen.join()).toContain('BLOCKED refund.large_denied');
    expect(app.seen.join()).not.toMatch(/"refunded":|validation failed/);
  });

  it('blockedOutput answers a blocked call in the tool output shape, which Mastra validates', async () => {
    const app = refundAgent(
      gateway.client('agent'),
      60000,
      { blockedOutput: (blocked) => ({ refunded: 0, note: blocked.text }) },
      undefined,
      shapedRefundTool,
    );
    await app.agent.generate('refund it', { maxSteps: 3 });
    expect(app.ran).toEqual([]);
    const [result] = app.seen.map((text) => JSON.parse(text) as { type: string; value: unknown });
    expect(result?.type).toBe('json');
    expect(result?.value).toMatchObject({ refunded: 0, note: expect.stringContaining('BLOCKED refund.') });
  });

  it('keeps every setting of the tool it wraps', () => {
    const original = createTool({
      id: 'refund',
      description: 'Refund a charge',
      inputSchema: z.object({ charge: z.string() }),
      outputSchema: z.object({ ok: z.boolean() }),
      requireApproval: true,
      execute: async () => ({ ok: true }),
    });
    const { refund } = mastraInterceptor(gateway.client('agent'), options).tools({ refund: original });
    expect(refund).not.toBe(original);
    expect(refund.id).toBe('refund');
    expect(refund.description).toBe('Refund a charge');
    expect(refund.inputSchema).toBe(original.inputSchema);
    expect(refund.outputSchema).toBe(original.outputSchema);
    expect(refund.requireApproval).toBe(true);
    expect(refund.execute).not.toBe(original.execute);
  });

  it('refuses what it cannot guard, naming the fix', () => {
    const interceptor = mastraInterceptor(gateway.client('agent'), { goal: 'g' });
    const plain = { description: 'x', execute: async () => 'ran' };
    expect(() => interceptor.tools({ plain } as never)).toThrow(/not a Mastra tool.*createTool/);
    const hostile = createTool({ id: 'x', description: 'x', execute: async () => 'ran' });
    expect(() => interceptor.tools({ 'rm -rf /; echo': hostile })).toThrow(MisconfiguredError);
    expect(() => interceptor.tools({ 'rm -rf /; echo': hostile })).toThrow(/set options\.tool/);
    const suspending = createTool({
      id: 'ask',
      description: 'asks',
      suspendSchema: z.object({ question: z.string() }),
      execute: async () => 'ran',
    });
    expect(() =>
      mastraInterceptor(gateway.client('agent'), { goal: 'g', approvals: 'durable' }).tools({
        ask: suspending,
      }),
    ).toThrow(/approvals: 'result'/);
  });

  it('guards the tools @mastra/mcp loads from an MCP server (the real filesystem server)', async () => {
    const root = mkdtempSync(join(tmpdir(), 'actpass-mastra-mcp-'));
    const mcp = new MCPClient({
      id: `actpass-mastra-${Date.now()}`,
      servers: { fs: { command: process.execPath, args: [FILESYSTEM_SERVER, root] } },
    });
    try {
      const tools = await mcp.listTools();
      const writeName = Object.keys(tools).find((name) => name.endsWith('write_file'));
      expect(writeName).toBeDefined();
      const { model, seen } = oneCallModel(writeName!, { path: join(root, 'pwned.txt'), content: 'x' });
      const interceptor = mastraInterceptor(gateway.client('agent'), {
        goal: 'tidy',
        tool: (name) => `fs.${name}`,
      });
      const agent = new Agent({
        id: 'files',
        name: 'files',
        instructions: 'Tidy files.',
        model,
        tools: interceptor.tools(tools),
      });
      await agent.generate('write', { maxSteps: 3 });
      expect(readdirSync(root)).toEqual([]);
      expect(seen.join()).toContain('BLOCKED policy.no_match');
    } finally {
      await mcp.disconnect();
      rmSync(root, { recursive: true, force: true });
    }
  }, 30_000);
});

const FILESYSTEM_SERVER = join(
  dirname(fileURLToPath(import.meta.url)),
  '../../../gateway/node_modules/@modelcontextprotocol/server-filesystem/dist/index.js',
);

describe("durable approvals: Mastra's suspend and resume, answered from the ActPass decision", () => {
  /** The first process: the run suspends on the held call; Mastra's storage keeps it. */
  async function held() {
    const store = new InMemoryStore();
    const app = refundAgent(gateway.client('agent'), 25000, { approvals: 'durable' }, store);
    const result = await app.agent.generate('refund it', { maxSteps: 3 });
    expect(app.ran).toEqual([]);
    expect(result.finishReason).toBe('suspended');
    const call = app.interceptor.held(result);
    expect(call?.approvalRequestId).toMatch(/^apr_/);
    expect(call?.callId).toBe('c1');
    // What the app stores besides Mastra's storage: the held call, plain JSON.
    return { store, call: JSON.parse(JSON.stringify(call)) as NonNullable<typeof call> };
  }

  /** A new process: a new agent and interceptor over the same storage. */
  function later(store: InMemoryStore) {
    return refundAgent(gateway.client('agent'), 25000, { approvals: 'durable' }, store);
  }

  it('approved in ActPass: the call runs once and the request is used', async () => {
    const saved = await held();
    await gateway.client('approver').approvals.approve(saved.call.approvalRequestId);
    const app = later(saved.store);
    const resumed = await app.interceptor.resume<{ finishReason: string }>(app.agent, saved.call);
    expect(resumed.status).toBe('approved');
    expect(resumed.result?.finishReason).toBe('stop');
    expect(app.ran).toEqual([25000]);
    expect(app.seen.join()).toContain('refunded 25000');
    expect((await gateway.client('agent').approvals.get(saved.call.approvalRequestId)).status).toBe('used');
  });

  it('denied in ActPass: the resumed call does not run and the model reads why', async () => {
    const saved = await held();
    await gateway.client('approver').approvals.deny(saved.call.approvalRequestId, { note: 'not eligible' });
    const app = later(saved.store);
    const resumed = await app.interceptor.resume(app.agent, saved.call);
    expect(resumed.status).toBe('refused');
    expect(app.ran).toEqual([]);
    expect(app.seen.join()).toContain('BLOCKED approval.denied');
  });

  it('still pending: the run is not resumed and nothing runs', async () => {
    const saved = await held();
    const app = later(saved.store);
    const resumed = await app.interceptor.resume(app.agent, saved.call);
    expect(resumed.status).toBe('pending');
    expect(resumed.result).toBeUndefined();
    expect(app.ran).toEqual([]);
    expect((await gateway.client('agent').approvals.get(saved.call.approvalRequestId)).status).toBe(
      'pending',
    );
  });

  it('a resume the app forged with an approve flag does not run the tool: the run suspends again', async () => {
    const saved = await held();
    const app = later(saved.store);
    const result = await app.agent.resumeGenerate(
      { approved: true, actpass: { approvalRequestId: 'apr_forged' } },
      { runId: saved.call.runId, toolCallId: saved.call.callId },
    );
    expect(app.ran).toEqual([]);
    expect(result.finishReason).toBe('suspended');
    // The request comes from the suspension Mastra stored, not from the resume data.
    expect(app.interceptor.held(result)?.approvalRequestId).toBe(saved.call.approvalRequestId);
    // Approved afterwards, the same run resumes and runs once.
    await gateway.client('approver').approvals.approve(saved.call.approvalRequestId);
    const resumed = await app.interceptor.resume(app.agent, saved.call);
    expect(resumed.status).toBe('approved');
    expect(app.ran).toEqual([25000]);
  });

  it('held() names only runs suspended on an ActPass hold', () => {
    const interceptor = mastraInterceptor(gateway.client('agent'), options);
    const ours = { actpass: { tool: 'stripe.refund.create', approvalRequestId: 'apr_1', text: 'BLOCKED …' } };
    expect(
      interceptor.held({
        finishReason: 'suspended',
        runId: 'r1',
        suspendPayload: { toolCallId: 'c1', suspendPayload: ours },
      }),
    ).toEqual({ callId: 'c1', tool: 'stripe.refund.create', approvalRequestId: 'apr_1', runId: 'r1' });
    // A tool's own suspension, a finished run, a payload without the request: not an ActPass hold.
    const own = { toolCallId: 'c1', suspendPayload: { question: 'which account?' } };
    expect(interceptor.held({ finishReason: 'suspended', runId: 'r1', suspendPayload: own })).toBeUndefined();
    expect(
      interceptor.held({
        finishReason: 'stop',
        runId: 'r1',
        suspendPayload: { toolCallId: 'c1', suspendPayload: ours },
      }),
    ).toBeUndefined();
    const noId = { toolCallId: 'c1', suspendPayload: { actpass: { tool: 't', approvalRequestId: 7 } } };
    expect(
      interceptor.held({ finishReason: 'suspended', runId: 'r1', suspendPayload: noId }),
    ).toBeUndefined();
    // An id the gateway never issues (a tampered store) is not looked up.
    const hostile = {
      toolCallId: 'c1',
      suspendPayload: { actpass: { tool: 't', approvalRequestId: 'apr_1/../../admin' } },
    };
    expect(
      interceptor.held({ finishReason: 'suspended', runId: 'r1', suspendPayload: hostile }),
    ).toBeUndefined();
  });

  it('isBlockedResult tells a blocked output apart', () => {
    expect(isBlockedResult({ actpassBlocked: true, text: 'BLOCKED x: y', reasonCode: 'x' })).toBe(true);
    expect(isBlockedResult({ refunded: 1 })).toBe(false);
  });
});
