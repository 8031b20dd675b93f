import { describe, expect, it } from 'vitest';
import { run } from '../src/run.js';

describe('mcp-proxy example', () => {
  it('runs the allowed tool, and answers BLOCKED for a denied and an unapproved one', async () => {
    const summary = await run(() => undefined);
    expect(summary.listed).toBeGreaterThan(2);
    expect(summary.calls).toHaveLength(3);
    expect(summary.calls[0]?.result).toContain('hello through ActPass');
    expect(summary.calls[1]?.result).toMatch(/^BLOCKED policy\.no_match: /);
    expect(summary.calls[2]?.result).toMatch(/^BLOCKED tool\.unregistered: /);
  }, 30_000);
});
