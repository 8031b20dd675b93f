/**
 * The adapters' shared behaviour, on the AI SDK adapter with a scripted transport: what goes to the
 * gateway, what the model reads when the call is blocked or the gateway is down, per-call options.
 * Full agent loops with the real frameworks and the embedded gateway: examples/agent-frameworks.
 */
import { tool } from 'ai';
import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { blockedText, guardTool, isToolBlockedError, ToolBlockedError } from '../../src/adapters/ai.js';
import { ActPass } from '../../src/index.js';
import { allowDecision, BASE_URL, decisionOf } from '../helpers/fixtures.js';
import { recordingSleep, type ScriptedResponse, scriptedFetch } from '../helpers/scripted-fetch.js';

const json = (body: unknown): ScriptedResponse => ({
  status: 200,
  headers: { 'x-request-id': 'req_a' },
  json: body,
});
const call = { toolCallId: 'call_1', messages: [] };

function refundTool(script: ScriptedResponse[], options: Record<string, unknown> = {}) {
  const { fetch, requests } = scriptedFetch(script);
  const logger = { warn: vi.fn(), info: vi.fn(), debug: vi.fn(), error: vi.fn() };
  const client = new ActPass({
    apiKey: 'k',
    baseUrl: BASE_URL,
    fetch,
    maxRetries: 0,
    recordOutcomes: false,
    sleep: recordingSleep().sleep,
    logger,
  });
  const body = vi.fn(async (input: { charge: string; amount: number }) => `refunded ${input.amount}`);
  const wrapped = guardTool(
    client,
    tool({ inputSchema: z.object({ charge: z.string(), amount: z.number() }), execute: body }),
    {
      tool: 'stripe.refund.create',
      goal: 'resolve_refund_request',
      resource: (input) => `stripe:charge:${input.charge}`,
      ...options,
    },
  );
  const execute = wrapped.execute!;
  const sent = () => requests.map((r) => JSON.parse(r.body ?? '{}'));
  return { execute, body, sent };
}

describe('a guarded framework tool', () => {
  it('sends the tool name, the input as args and the resource; runs the body on allow', async () => {
    const { execute, body, sent } = refundTool([json(allowDecision())]);
    expect(await execute({ charge: 'ch_1', amount: 4900 }, call)).toBe('refunded 4900');
    expect(body).toHaveBeenCalledOnce();
    expect(sent()[0]).toMatchObject({
      goal: 'resolve_refund_request',
      tool: 'stripe.refund.create',
      resource: 'stripe:charge:ch_1',
      args: { charge: 'ch_1', amount: 4900 },
      mode: 'enforce',
    });
  });

  it('returns BLOCKED <reason_code>: <summary> on deny and never runs the body', async () => {
    const denied = decisionOf('deny', { reason_code: 'refund.large_denied' });
    const { execute, body } = refundTool([json(denied)]);
    expect(await execute({ charge: 'ch_1', amount: 90000 }, call)).toBe(
      `BLOCKED refund.large_denied: ${denied.explain.summary}`,
    );
    expect(body).not.toHaveBeenCalled();
  });

  it('fails closed: an unreachable gateway is BLOCKED client.unreachable, body not run', async () => {
    const { execute, body } = refundTool([{ fault: 'connection_refused' }]);
    expect(await execute({ charge: 'ch_1', amount: 4900 }, call)).toMatch(/^BLOCKED client\.unreachable: /);
    expect(body).not.toHaveBeenCalled();
  });

  it("throws a ToolBlockedError carrying the decision when onBlocked is 'throw'", async () => {
    const held = decisionOf('require_approval', { reason_code: 'refund.medium_needs_approval' });
    const { execute, body } = refundTool([json(held)], { onBlocked: 'throw' });
    const error = await Promise.resolve(execute({ charge: 'ch_1', amount: 25000 }, call)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ToolBlockedError);
    expect(isToolBlockedError(error)).toBe(true);
    expect((error as ToolBlockedError).reasonCode).toBe('refund.medium_needs_approval');
    expect((error as ToolBlockedError).message).toBe(blockedText(held));
    expect(body).not.toHaveBeenCalled();
  });

  it('resolves passport, mode, user and context per call from the input', async () => {
    const { execute, sent } = refundTool([json(allowDecision({ mode: 'monitor', enforced: false }))], {
      passport: (input: { charge: string }) => `passport-for-${input.charge}`,
      mode: () => 'monitor',
      userId: 'user_7',
      context: async () => ({ ticket: 'T-1' }),
      args: (input: { amount: number }) => ({ amount: input.amount, currency: 'usd' }),
    });
    await execute({ charge: 'ch_9', amount: 100 }, call);
    expect(sent()[0]).toMatchObject({
      passport: 'passport-for-ch_9',
      mode: 'monitor',
      user_id: 'user_7',
      context: { ticket: 'T-1' },
      args: { amount: 100, currency: 'usd' },
    });
  });

  it("rethrows the body's own error so the framework reports it as usual", async () => {
    const { fetch } = scriptedFetch([json(allowDecision())]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, recordOutcomes: false });
    const failing = tool({
      inputSchema: z.object({}),
      execute: async (): Promise<string> => {
        throw new Error('card network down');
      },
    });
    const wrapped = guardTool(client, failing, { tool: 'stripe.refund.create', goal: 'g' });
    await expect(Promise.resolve(wrapped.execute!({}, call))).rejects.toThrow('card network down');
  });
});
