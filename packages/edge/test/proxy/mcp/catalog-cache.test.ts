/**
 * The catalog's reuse of tool listings where timing decides, with an upstream pool whose answers the
 * test releases by hand: a change notice that arrives while a listing is under way is not answered
 * by that listing, and a listing that fails after its time to live leaves the server out rather than
 * serving the older one. (sessions.test.ts covers the same with real servers.)
 */
import type { Tool } from '@modelcontextprotocol/sdk/types.js';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../../src/proxy/mcp/catalog.js';
import { DEFAULT_LISTING } from '../../../src/proxy/mcp/config-fields.js';
import { Fanout } from '../../../src/proxy/mcp/fanout.js';
import type { UpstreamPool } from '../../../src/proxy/mcp/upstreams.js';

function tool(description: string): Tool {
  return { name: 'send', description, inputSchema: { type: 'object' } };
}

/** One server, `s`; each listing waits until the test answers it. */
function manualPool(ttlMs: number) {
  const asked: Array<{ answer: (tools: Tool[]) => void; fail: (error: Error) => void }> = [];
  const upstream = { name: 's', listing: { ...DEFAULT_LISTING, cacheTtlMs: ttlMs, retryAfterMs: 1 } };
  const pool = {
    names: () => ['s'],
    upstream: (name: string) => (name === 's' ? upstream : undefined),
    listTools: () =>
      new Promise<Tool[]>((answer, fail) => {
        asked.push({ answer, fail });
      }),
  } as unknown as UpstreamPool;
  return { pool, asked };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('Catalog: reused tool listings', () => {
  it('lists again after a change notice that arrived while a listing was under way', async () => {
    const { pool, asked } = manualPool(60_000);
    const catalog = new Catalog(pool, new Fanout(pool, () => undefined), async () => new Set());
    const first = catalog.refresh();
    await settle();
    expect(asked).toHaveLength(1);
    catalog.invalidate('s');
    const second = catalog.refresh();
    asked[0]?.answer([tool('before the change')]);
    await first;
    await settle();
    // The listing under way was asked before the change: the second caller gets a new one.
    expect(asked).toHaveLength(2);
    asked[1]?.answer([tool('after the change')]);
    await second;
    expect(catalog.get('s.send')?.definition.description).toBe('after the change');
    // And it is reused from then on.
    await catalog.refresh();
    expect(asked).toHaveLength(2);
  });

  it('leaves a server out when its listing fails after the time to live, never serving the old one', async () => {
    const { pool, asked } = manualPool(20);
    const catalog = new Catalog(pool, new Fanout(pool, () => undefined), async () => new Set());
    const first = catalog.refresh();
    await settle();
    asked[0]?.answer([tool('listed')]);
    await first;
    expect(catalog.get('s.send')).toBeDefined();
    await new Promise((resolve) => setTimeout(resolve, 40));
    const again = catalog.refresh();
    await settle();
    expect(asked).toHaveLength(2);
    asked[1]?.fail(new Error('gone'));
    expect(await again).toEqual({ failed: ['s'] });
    expect(catalog.get('s.send')).toBeUndefined();
  });
});
