import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';

describe('monitor-rollout example', () => {
  it('runs everything in monitor and warn, blocks in enforce, and the ledger agrees on every decision', async () => {
    const lines: string[] = [];
    const summary = await run((line) => lines.push(line));

    const blocked = ['$250 refund', '$900 refund', 'refund, amount as text', 'status e-mail'];
    expect(summary.runs).toEqual([
      { mode: 'monitor', ran: 5, wouldBlock: blocked, warnings: 0 },
      // warn runs everything and tells the caller about each call enforce would block.
      { mode: 'warn', ran: 5, wouldBlock: blocked, warnings: 4 },
      { mode: 'enforce', ran: 1, wouldBlock: blocked, warnings: 0 },
    ]);
    expect(summary.sameDecisionEverywhere).toBe(true);
    // Only mode bookkeeping differs; approval_request_id because only enforce holds an action for a person.
    expect(summary.fieldsThatDiffer).toEqual([
      'approval_request_id',
      'decision',
      'enforced',
      'mode',
      'would_decision',
    ]);

    const transcript = lines.join('\n');
    expect(transcript).toContain('warn, enforce: require_approval (refund.medium_needs_approval)');
    expect(transcript).toMatch(/status e-mail\s+deny \(policy\.no_match\)\s+blocked/);
    expect(transcript).toContain('→ 1/5 ran; enforce blocked 4');
    expect(transcript).toContain('identical in every mode');
  });
});
