import { describe, expect, it } from 'vitest';
import { approveFirstPending, setup } from '../src/harness.js';
import { runVercelAi } from '../src/vercel-ai.js';

describe('Vercel AI SDK adapter, driven by MockLanguageModelV3', () => {
  it('enforce: the allowed refund runs, the held and denied ones never do, and the model reads why', async () => {
    const world = setup('enforce');
    const run = await runVercelAi(world);
    expect(world.payments.refunded).toEqual([{ charge: 'ch_small', amount: 4900 }]);
    expect(run.toolResults).toEqual([
      'refunded 4900 on ch_small',
      expect.stringMatching(/^BLOCKED refund\.medium_needs_approval: /),
      expect.stringMatching(/^BLOCKED refund\.large_denied: /),
    ]);
    // The model's second turn saw the BLOCKED texts (it repeats its tool results).
    expect(run.finalText).toContain('BLOCKED refund.large_denied: ');
    expect(run.finalText).toContain('BLOCKED refund.medium_needs_approval: ');
  });

  it('monitor: every refund runs and the model sees the results', async () => {
    const world = setup('monitor');
    const run = await runVercelAi(world);
    expect(world.payments.refunded.map((r) => r.amount).sort((a, b) => a - b)).toEqual([4900, 25000, 60000]);
    expect(run.finalText).not.toContain('BLOCKED');
  });

  it('waitForApproval: the held refund runs once a person approves it', async () => {
    const world = setup('enforce');
    const approved = approveFirstPending(world.approver);
    const run = await runVercelAi(world, { waitForApproval: { timeoutMs: 10_000, pollIntervalMs: 20 } });
    await approved;
    expect(world.payments.refunded.map((r) => r.amount)).toEqual([4900, 25000]);
    expect(run.toolResults[2]).toMatch(/^BLOCKED refund\.large_denied: /);
  });

  it("onBlocked 'throw': the framework reports a ToolBlockedError and the body never runs", async () => {
    const world = setup('enforce');
    const run = await runVercelAi(world, { onBlocked: 'throw' });
    expect(world.payments.refunded.map((r) => r.amount)).toEqual([4900]);
    expect(run.toolResults[2]).toMatch(/^error: ToolBlockedError: BLOCKED refund\.large_denied: /);
  });
});
