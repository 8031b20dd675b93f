import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';

describe('refund-agent example', () => {
  it('allows $49 with the vaulted key, holds $250 for one approved run, denies $900 and the replay', async () => {
    const lines: string[] = [];
    const summary = await run((line) => lines.push(line));

    expect(summary.outcomes).toEqual([
      { step: 'guard', decision: 'allow', reason_code: 'refund.small_in_scope', executed: true },
      {
        step: 'guard',
        decision: 'require_approval',
        reason_code: 'refund.medium_needs_approval',
        executed: false,
      },
      {
        step: 're-run with the approval',
        decision: 'allow',
        reason_code: 'approval.granted',
        executed: true,
      },
      // A spent approval cannot authorise a second run.
      {
        step: 're-run with the approval again',
        decision: 'deny',
        reason_code: 'approval.expired',
        executed: false,
      },
      { step: 'guard', decision: 'deny', reason_code: 'refund.large_denied', executed: false },
      { step: 'guard', decision: 'deny', reason_code: 'passport.replayed', executed: false },
    ]);
    // Exactly two refunds reached Stripe, each with the leased credential.
    expect(summary.refunded).toEqual([
      { charge: 'ch_1001', amount: 4900, credential: 'stripe_api_key' },
      { charge: 'ch_1002', amount: 25000, credential: 'stripe_api_key' },
    ]);

    const transcript = lines.join('\n');
    expect(transcript).toContain('→ allow (refund.small_in_scope), refund sent');
    expect(transcript).toMatch(/approver: apr_\S+ → approved/);
    expect(transcript).toContain('→ deny (passport.replayed)');
    expect(transcript).toContain('Stripe received 2 refund(s): ch_1001 $49.00, ch_1002 $250.00');
    // The secret itself is never printed, only a masked prefix.
    expect(transcript).not.toContain('sk_test_example_not_a_real_key');
  });
});
