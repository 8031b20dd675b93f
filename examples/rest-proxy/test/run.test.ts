import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';

describe('rest-proxy example', () => {
  it('forwards only the allowed refund, with a key the agent never sees', async () => {
    const lines: string[] = [];
    const summary = await run((line) => lines.push(line));
    expect(summary.calls).toEqual([
      { call: 'refunds $49.00', status: 200, outcome: 'forwarded' },
      { call: 'refunds $900.00', status: 403, outcome: 'blocked: deny (refund.large_denied)' },
      {
        call: 'refunds $200.00',
        status: 403,
        outcome: 'blocked: require_approval (refund.medium_needs_approval)',
      },
      { call: 'tries /charges/x%2f..%2fadmin/refunds', status: 400, outcome: 'blocked: proxy.bad_target' },
    ]);
    expect(summary.upstreamRequests).toBe(1);
    expect(summary.upstreamSawKey).toBe(true);
    expect(summary.agentSawKey).toBe(false);
  });
});
