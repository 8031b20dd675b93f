import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';

describe('the agent-frameworks example', () => {
  it('in every framework: the small refund runs, the others are blocked with their reasons; monitor runs all', async () => {
    const lines: string[] = [];
    const summary = await run((line) => lines.push(line));
    expect(Object.keys(summary.ran)).toHaveLength(4);
    for (const [framework, ran] of Object.entries(summary.ran)) {
      expect(ran, framework).toEqual({ enforce: [4900], monitor: [4900, 25000, 60000] });
      expect(summary.told[framework], framework).toEqual([
        'refunded 4900 on ch_small',
        expect.stringMatching(/^BLOCKED refund\.medium_needs_approval: /),
        expect.stringMatching(/^BLOCKED refund\.large_denied: /),
      ]);
    }
    expect(lines.filter((line) => line.includes('model reads: BLOCKED refund.large_denied'))).toHaveLength(4);
  }, 60_000);
});
