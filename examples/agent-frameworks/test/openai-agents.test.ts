import { describe, expect, it } from 'vitest';
import { approveFirstPending, setup } from '../src/harness.js';
import { runOpenAiAgents } from '../src/openai-agents.js';

describe('OpenAI Agents SDK adapter, driven by a scripted Model through the Runner', () => {
  it('enforce: the allowed refund runs, the held and denied ones never do, and the model reads why', async () => {
    const world = setup('enforce');
    const run = await runOpenAiAgents(world);
    expect(world.payments.refunded).toEqual([{ charge: 'ch_small', amount: 4900 }]);
    expect(run.toolResults).toEqual([
      'refunded 4900 on ch_small',
      expect.stringMatching(/^BLOCKED refund\.medium_needs_approval: /),
      expect.stringMatching(/^BLOCKED refund\.large_denied: /),
    ]);
    expect(run.finalText).toContain('BLOCKED refund.large_denied: ');
    expect(run.finalText).toContain('BLOCKED refund.medium_needs_approval: ');
  });

  it('monitor: every refund runs', async () => {
    const world = setup('monitor');
    const run = await runOpenAiAgents(world);
    expect(world.payments.refunded.map((r) => r.amount).sort((a, b) => a - b)).toEqual([4900, 25000, 60000]);
    expect(run.finalText).not.toContain('BLOCKED');
  });

  it('waitForApproval: the held refund runs once a person approves it', async () => {
    const world = setup('enforce');
    const approved = approveFirstPending(world.approver);
    await runOpenAiAgents(world, { waitForApproval: { timeoutMs: 10_000, pollIntervalMs: 20 } });
    await approved;
    expect(world.payments.refunded.map((r) => r.amount).sort((a, b) => a - b)).toEqual([4900, 25000]);
  });

  it('per-call mode: a function of the input picks monitor for one call only', async () => {
    const world = setup('enforce');
    const run = await runOpenAiAgents(world, {
      mode: (input) => (input.charge === 'ch_large' ? 'monitor' : 'enforce'),
    });
    expect(world.payments.refunded.map((r) => r.amount).sort((a, b) => a - b)).toEqual([4900, 60000]);
    expect(run.toolResults[1]).toMatch(/^BLOCKED refund\.medium_needs_approval: /);
  });
});
