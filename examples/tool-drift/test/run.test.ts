import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';

describe('tool-drift example', () => {
  it('holds a drifted tool at runtime and fails the CI check', async () => {
    const lines: string[] = [];
    const summary = await run((line) => lines.push(line));

    expect(summary.preflights).toEqual([
      { definition: 'v1', decision: 'allow', reason_code: 'refund.small_in_scope' },
      { definition: 'v2', decision: 'require_tool_reapproval', reason_code: 'tool.drifted' },
      { definition: 'v2', decision: 'allow', reason_code: 'refund.small_in_scope' },
      { definition: 'v1', decision: 'require_tool_reapproval', reason_code: 'tool.drifted' },
    ]);
    expect(summary.cli.map(({ command, exitCode }) => [command, exitCode])).toEqual([
      ['actpass tools lock tools.json', 0],
      ['actpass tools check tools.json', 0],
      ['actpass tools check tools.json', 1],
    ]);
    expect(summary.cli[2]!.output).toMatch(/^drifted: stripe\.refund\.create \(locked [0-9a-f]{12}…/m);
    // The lock pins the same hash the gateway approved: one definition of "the same tool" everywhere.
    const approvedV1 = lines
      .find((l) => l.includes('approves stripe.refund.create v1'))!
      .match(/hash ([0-9a-f]{12})/)![1];
    expect(summary.cli[2]!.output).toContain(`locked ${approvedV1}…`);

    const transcript = lines.join('\n');
    expect(transcript).toContain('agent presents v2  → require_tool_reapproval (tool.drifted)');
    expect(transcript).toContain('CI fails: the drifted tool must be reviewed before it ships');
  });
});
