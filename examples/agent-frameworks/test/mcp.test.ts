import { guardClient, isToolBlockedError } from '@actpass/sdk/mcp';
import { describe, expect, it } from 'vitest';
import { approveFirstPending, GOAL, setup } from '../src/harness.js';
import { connectRefundServer, runMcp } from '../src/mcp.js';

describe('MCP client adapter, against a real McpServer over the in-memory transport', () => {
  it('enforce: only the allowed call reaches the server; blocked ones come back as error results', async () => {
    const world = setup('enforce');
    const run = await runMcp(world);
    expect(run.server.received).toEqual(['refund ch_small']);
    expect(world.payments.refunded).toEqual([{ charge: 'ch_small', amount: 4900 }]);
    expect(run.toolResults).toEqual([
      'refunded 4900 on ch_small',
      expect.stringMatching(/^BLOCKED refund\.medium_needs_approval: /),
      expect.stringMatching(/^BLOCKED refund\.large_denied: /),
    ]);
  });

  it('monitor: every call reaches the server', async () => {
    const world = setup('monitor');
    const run = await runMcp(world);
    expect(run.server.received).toEqual(['refund ch_small', 'refund ch_medium', 'refund ch_large']);
  });

  it('waitForApproval: the held call reaches the server once a person approves it', async () => {
    const world = setup('enforce');
    const approved = approveFirstPending(world.approver);
    const run = await runMcp(world, { waitForApproval: { timeoutMs: 10_000, pollIntervalMs: 20 } });
    await approved;
    expect(run.server.received).toEqual(['refund ch_small', 'refund ch_medium']);
    expect(run.toolResults[2]).toMatch(/^BLOCKED refund\.large_denied: /);
  });

  it("onBlocked 'throw': callTool rejects with a ToolBlockedError and the server sees nothing", async () => {
    const world = setup('enforce');
    const { client, server } = await connectRefundServer(world);
    const guarded = guardClient(world.agent, client, {
      tool: 'stripe.refund.create',
      goal: GOAL,
      onBlocked: 'throw',
    });
    const error = await guarded
      .callTool({ name: 'refund', arguments: { charge: 'ch_large', amount: 60000 } })
      .catch((e: unknown) => e);
    expect(isToolBlockedError(error)).toBe(true);
    expect((error as Error).message).toMatch(/^BLOCKED refund\.large_denied: /);
    expect(server.received).toEqual([]);
    await client.close();
  });

  it('refuses hostile tool names before anything is sent (the server sees nothing)', async () => {
    const world = setup('enforce');
    const { client, server } = await connectRefundServer(world);
    const guarded = guardClient(world.agent, client, { goal: GOAL, mode: 'monitor' });
    for (const name of [
      '../../etc/passwd',
      'refund create',
      'a..b',
      '.refund',
      'x'.repeat(300),
      'ré',
      'a\u0000b',
      '<script>',
    ]) {
      await expect(guarded.callTool({ name, arguments: {} })).rejects.toThrow(/is not an ActPass tool name/);
    }
    expect(server.received).toEqual([]);
    await client.close();
  });
});
