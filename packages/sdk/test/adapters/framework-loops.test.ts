/**
 * The TypeScript adapters inside each framework's own agent loop (the AI SDK's `generateText` with its
 * mock model, LangChain's tool-call invocation, the OpenAI Agents `Runner` with a scripted `Model`),
 * the gateway scripted: what the model reads for tools with a shape of their own (custom model output,
 * artifacts, output schemas), held calls that name their approval request, and the retry after an
 * approval that carries it.
 */
import { tool as langchainTool } from '@langchain/core/tools';
import {
  Agent,
  tool as agentsTool,
  type Model,
  type ModelRequest,
  type ModelResponse,
  Runner,
  Usage,
} from '@openai/agents';
import { tool as aiTool, generateText, stepCountIs } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { guardTool as guardAiTool } from '../../src/adapters/ai.js';
import { guardTool as guardLangChainTool } from '../../src/adapters/langchain.js';
import { guardTool as guardAgentsTool, isToolBlockedError } from '../../src/adapters/openai-agents.js';
import { ActPass } from '../../src/index.js';
import { BASE_URL, decisionOf } from '../helpers/fixtures.js';
import { recordingSleep, type ScriptedResponse, scriptedFetch } from '../helpers/scripted-fetch.js';

const json = (body: unknown): ScriptedResponse => ({
  status: 200,
  headers: { 'x-request-id': 'req_a' },
  json: body,
});
const denied = json(
  decisionOf('deny', {
    reason_code: 'refund.large_denied',
    explain: { summary: 'Refunds over $500.00 are denied.', matched_rules: ['r'], next_steps: [] },
  }),
);
const held = (id: string) =>
  json(
    decisionOf('require_approval', {
      reason_code: 'refund.medium_needs_approval',
      approval_request_id: id,
      explain: { summary: 'Refunds over $100.00 need an approver.', matched_rules: ['r'], next_steps: [] },
    }),
  );
const allowed = json(decisionOf('allow', { reason_code: 'approval.granted' }));

function clientFor(script: ScriptedResponse[]) {
  const { fetch, requests } = scriptedFetch(script);
  const client = new ActPass({
    apiKey: 'k',
    baseUrl: BASE_URL,
    fetch,
    maxRetries: 0,
    recordOutcomes: false,
    sleep: recordingSleep().sleep,
    logger: { warn: vi.fn(), info: vi.fn(), debug: vi.fn(), error: vi.fn() },
  });
  return { client, sent: () => requests.map((r) => JSON.parse(r.body ?? '{}')) };
}

const usage = {
  inputTokens: { total: 1, noCache: 1, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 1, text: 1, reasoning: undefined },
};

/** A mock model that calls `refund` once, then answers with the tool results it was sent. */
function aiModel() {
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
        content: [
          {
            type: 'tool-call',
            toolCallId: 'c1',
            toolName: 'refund',
            input: JSON.stringify({ charge: 'ch_big', amount: 60000 }),
          },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage,
        warnings: [],
      };
    },
  });
  return { model, seen };
}

describe('Vercel AI SDK: a tool with its own toModelOutput', () => {
  const refund = (body: () => unknown) =>
    aiTool({
      inputSchema: z.object({ charge: z.string(), amount: z.number() }),
      execute: async () => body() as { id: string; amount: number },
      toModelOutput: ({ output }: { output: { id: string; amount: number } }) => ({
        type: 'text' as const,
        value: `refund ${output.id} done`,
      }),
    });

  it('shows the model the BLOCKED text for a denied call, never the success wording', async () => {
    const { client } = clientFor([denied]);
    const body = vi.fn(() => ({ id: 're_1', amount: 60000 }));
    const { model, seen } = aiModel();
    await generateText({
      model,
      prompt: 'refund',
      tools: { refund: guardAiTool(client, refund(body), { tool: 'stripe.refund.create', goal: 'g' }) },
      stopWhen: stepCountIs(3),
    });
    expect(body).not.toHaveBeenCalled();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('BLOCKED refund.large_denied: Refunds over $500.00 are denied.');
    expect(seen[0]).not.toContain('done');
  });

  it('keeps the tool conversion for a call that ran', async () => {
    const { client } = clientFor([json(decisionOf('allow'))]);
    const { model, seen } = aiModel();
    await generateText({
      model,
      prompt: 'refund',
      tools: {
        refund: guardAiTool(
          client,
          refund(() => ({ id: 're_1', amount: 1 })),
          { tool: 'stripe.refund.create', goal: 'g' },
        ),
      },
      stopWhen: stepCountIs(3),
    });
    expect(seen[0]).toContain('refund re_1 done');
  });
});

describe('held calls name their approval request; the retry after approval carries it', () => {
  it('reuses the approval request id for the identical action, and forgets it once released', async () => {
    const { client, sent } = clientFor([held('apr_one'), allowed, held('apr_two')]);
    const body = vi.fn(async () => 'refunded');
    const wrapped = guardAiTool(
      client,
      aiTool({ inputSchema: z.object({ charge: z.string(), amount: z.number() }), execute: body }),
      { tool: 'stripe.refund.create', goal: 'g', passport: 'pp_token' },
    );
    const call = { toolCallId: 'c', messages: [], context: undefined };
    const first = await wrapped.execute!({ charge: 'ch_1', amount: 25000 }, call);
    expect(first).toMatch(/^BLOCKED refund\.medium_needs_approval: /);
    expect(first).toContain('apr_one');
    expect(first).toContain('a person');
    expect(first).not.toMatch(/try again/i);
    expect(sent()[0].approval_request_id).toBeUndefined();

    expect(await wrapped.execute!({ charge: 'ch_1', amount: 25000 }, call)).toBe('refunded');
    expect(sent()[1]).toMatchObject({
      approval_request_id: 'apr_one',
      args: { charge: 'ch_1', amount: 25000 },
    });
    expect(sent()[1].passport).toBeUndefined();

    // Released once: the same action later asks afresh.
    await wrapped.execute!({ charge: 'ch_1', amount: 25000 }, call);
    expect(sent()[2].approval_request_id).toBeUndefined();
    expect(body).toHaveBeenCalledOnce();
  });

  it('does not carry the id to a different action', async () => {
    const { client, sent } = clientFor([held('apr_one'), held('apr_other')]);
    const wrapped = guardAiTool(
      client,
      aiTool({ inputSchema: z.object({ amount: z.number() }), execute: async () => 'x' }),
      { tool: 'stripe.refund.create', goal: 'g' },
    );
    const call = { toolCallId: 'c', messages: [], context: undefined };
    await wrapped.execute!({ amount: 25000 }, call);
    await wrapped.execute!({ amount: 25001 }, call);
    expect(sent()[1].approval_request_id).toBeUndefined();
  });
});

describe('LangChain.js', () => {
  it('a blocked content_and_artifact tool answers a ToolMessage, BLOCKED text as content', async () => {
    const { client } = clientFor([denied]);
    const body = vi.fn(async () => ['refunded', { id: 're_1' }] as [string, unknown]);
    const inner = langchainTool(body, {
      name: 'refund',
      description: 'Refund',
      schema: z.object({ amount: z.number() }),
      responseFormat: 'content_and_artifact',
      metadata: { team: 'billing' },
      tags: ['money'],
      extras: { cache_control: { type: 'ephemeral' } },
    });
    const wrapped = guardLangChainTool(client, inner, { tool: 'stripe.refund.create', goal: 'g' });
    expect(wrapped.extras).toEqual({ cache_control: { type: 'ephemeral' } });
    expect(wrapped.metadata).toEqual({ team: 'billing' });
    expect(wrapped.tags).toEqual(['money']);
    const message = await wrapped.invoke({
      type: 'tool_call',
      id: 'tc_1',
      name: 'refund',
      args: { amount: 60000 },
    });
    expect(body).not.toHaveBeenCalled();
    expect(message.content).toBe('BLOCKED refund.large_denied: Refunds over $500.00 are denied.');
    expect(message.artifact).toMatchObject({ actpassBlocked: true, reasonCode: 'refund.large_denied' });
  });

  it('invalid arguments are rejected by the schema before any decision', async () => {
    const { client, sent } = clientFor([]);
    const inner = langchainTool(async () => 'ok', {
      name: 'refund',
      description: 'Refund',
      schema: z.object({ amount: z.number() }),
    });
    const wrapped = guardLangChainTool(client, inner, { tool: 'stripe.refund.create', goal: 'g' });
    await expect(wrapped.invoke({ amount: 'lots' } as never)).rejects.toThrow();
    expect(sent()).toHaveLength(0);
  });
});

/** An Agents `Model` that calls `refund` with `args` once, then ends with the tool output it read. */
class OneCallModel implements Model {
  readonly outputs: string[] = [];
  constructor(private readonly args: string) {}
  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    const results =
      typeof request.input === 'string' ? [] : request.input.filter((i) => i.type === 'function_call_result');
    if (results.length > 0) {
      for (const r of results) this.outputs.push(JSON.stringify((r as { output: unknown }).output));
      return {
        usage: new Usage(),
        output: [
          {
            type: 'message',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: 'done' }],
          },
        ],
      };
    }
    return {
      usage: new Usage(),
      output: [
        { type: 'function_call', callId: 'c1', name: 'refund', arguments: this.args, status: 'completed' },
      ],
    };
  }
  // biome-ignore lint/correctness/useYield: this model only answers non-streamed runs.
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('not streamed');
  }
}

async function runAgent(refund: ReturnType<typeof agentsTool>, args = '{"amount":60000}') {
  const model = new OneCallModel(args);
  const agent = new Agent({ name: 'support', instructions: 'refunds', model, tools: [refund] });
  await new Runner({ tracingDisabled: true }).run(agent, 'refund it');
  return model.outputs;
}

describe('OpenAI Agents SDK', () => {
  const parameters = z.object({ amount: z.number() });

  it('throw mode: the model reads the reason code, not the SDK default "Please try again"', async () => {
    const { client } = clientFor([denied]);
    const refund = guardAgentsTool(
      client,
      { name: 'refund', description: 'Refund', parameters, execute: async () => 'refunded' },
      { tool: 'stripe.refund.create', goal: 'g', onBlocked: 'throw' },
    );
    const outputs = await runAgent(refund);
    expect(outputs.join()).toContain('BLOCKED refund.large_denied');
    expect(outputs.join()).not.toMatch(/try again/i);
  });

  it('an outputSchema tool answers the typed blocked value, and the run does not crash', async () => {
    const { client } = clientFor([denied]);
    const body = vi.fn(async () => ({ ok: true, message: 'refunded' }));
    const refund = guardAgentsTool(
      client,
      {
        name: 'refund',
        description: 'Refund',
        parameters,
        outputSchema: z.object({ ok: z.boolean(), message: z.string() }),
        execute: body,
      },
      {
        tool: 'stripe.refund.create',
        goal: 'g',
        blockedOutput: (_d, text) => ({ ok: false, message: text }),
      },
    );
    const outputs = await runAgent(refund);
    expect(body).not.toHaveBeenCalled();
    expect(outputs.join()).toContain('BLOCKED refund.large_denied');
    expect(outputs.join()).toContain('\\"ok\\":false');
  });

  it('an outputSchema tool with no way to answer a block is refused when wrapped', () => {
    const { client } = clientFor([]);
    expect(() =>
      guardAgentsTool(
        client,
        {
          name: 'refund',
          description: 'Refund',
          parameters,
          outputSchema: z.object({ ok: z.boolean() }),
          execute: async () => ({ ok: true }),
        },
        { tool: 'stripe.refund.create', goal: 'g' },
      ),
    ).toThrow(/blockedOutput/);
  });

  it('the author errorFunction of an outputSchema tool receives the ToolBlockedError', async () => {
    const { client } = clientFor([denied]);
    const seen: unknown[] = [];
    const refund = guardAgentsTool(
      client,
      {
        name: 'refund',
        description: 'Refund',
        parameters,
        outputSchema: z.object({ ok: z.boolean(), message: z.string() }),
        execute: async () => ({ ok: true, message: 'refunded' }),
        errorFunction: (_ctx: unknown, error: unknown) => {
          seen.push(error);
          return { ok: false, message: String((error as Error).message) };
        },
      },
      { tool: 'stripe.refund.create', goal: 'g' },
    );
    const outputs = await runAgent(refund);
    expect(isToolBlockedError(seen[0])).toBe(true);
    expect(outputs.join()).toContain('BLOCKED refund.large_denied');
  });

  it('wraps a FunctionTool already built, keeping its settings', async () => {
    const { client, sent } = clientFor([denied]);
    const body = vi.fn(async () => 'refunded');
    const built = agentsTool({
      name: 'refund',
      description: 'Refund',
      parameters,
      execute: body,
      providerData: { x: 1 },
    });
    const refund = guardAgentsTool(client, built, { tool: 'stripe.refund.create', goal: 'g' });
    expect(refund.providerData).toEqual({ x: 1 });
    expect(refund.parameters).toEqual(built.parameters);
    const outputs = await runAgent(refund);
    expect(body).not.toHaveBeenCalled();
    expect(sent()[0].args).toEqual({ amount: 60000 });
    expect(outputs.join()).toContain('BLOCKED refund.large_denied');
  });

  it('arguments that fail the schema are rejected by the SDK, never decided', async () => {
    const { client, sent } = clientFor([]);
    const refund = guardAgentsTool(
      client,
      { name: 'refund', description: 'Refund', parameters, execute: async () => 'refunded' },
      { tool: 'stripe.refund.create', goal: 'g' },
    );
    const outputs = await runAgent(refund, '{"amount":"lots"}');
    expect(sent()).toHaveLength(0);
    expect(outputs.join()).not.toContain('refunded');
  });
});
