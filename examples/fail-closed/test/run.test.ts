import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';

describe('fail-closed example', () => {
  it('blocks in enforce and runs in monitor when the gateway is gone, and times out a hung one', async () => {
    const lines: string[] = [];
    const { outcomes } = await run((line) => lines.push(line));

    expect(outcomes).toEqual([
      {
        step: 'gateway up',
        decision: 'allow',
        reason_code: 'refund.small_in_scope',
        source: 'gateway',
        enforced: true,
        executed: true,
      },
      {
        step: 'gateway down',
        decision: 'deny',
        reason_code: 'client.unreachable',
        source: 'client',
        enforced: true,
        executed: false,
      },
      // monitor observes: the client-made decision says so, and the action still runs.
      {
        step: 'gateway down',
        decision: 'deny',
        reason_code: 'client.unreachable',
        source: 'client',
        enforced: false,
        executed: true,
      },
      {
        step: 'gateway hangs',
        decision: 'deny',
        reason_code: 'client.timeout',
        source: 'client',
        enforced: true,
        executed: false,
      },
    ]);
    const transcript = lines.join('\n');
    expect(transcript).toMatch(/^gateway listening on http:\/\/127\.0\.0\.1:\d+$/m);
    expect(transcript).toContain('gateway stopped');
    expect(transcript).toMatch(
      /gateway hangs\s+enforce\s+→ deny \(client\.timeout\) source=client enforced=true not executed/,
    );
  });
});
