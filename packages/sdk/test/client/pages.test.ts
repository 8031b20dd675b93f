import { describe, expect, it } from 'vitest';
import { ActPass, InvalidResponseError } from '../../src/index.js';
import { BASE_URL } from '../helpers/fixtures.js';
import { scriptedFetch } from '../helpers/scripted-fetch.js';

const event = (seq: number) => ({
  v: 1,
  seq,
  id: `ev_${seq}`,
  tenant_id: 'acme',
  type: 'decision',
  at: '2026-11-23T00:00:00.000Z',
  data: {},
  prev_hash: '0'.repeat(64),
  hash: 'f'.repeat(64),
});
const page = (seqs: number[], next: number | null) => ({
  status: 200,
  json: { events: seqs.map(event), next_after_seq: next },
});
const client = (fetch: typeof globalThis.fetch) =>
  new ActPass({ apiKey: 'ak_test', baseUrl: BASE_URL, fetch, maxRetries: 0 });

describe('evidence.iterate', () => {
  it('walks every page with for await, keeping the filters and moving only the cursor', async () => {
    const { fetch, requests } = scriptedFetch([page([1, 2], 2), page([3, 4], 4), page([5], null)]);
    const seen: number[] = [];
    const since = new Date('2026-11-23T00:00:00Z');
    for await (const e of client(fetch).evidence.iterate({
      type: 'decision',
      decision: 'deny',
      since,
      limit: 2,
    })) {
      seen.push(e.seq);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    const queries = requests.map((request) => Object.fromEntries(new URL(request.url).searchParams));
    const filters = { type: 'decision', decision: 'deny', since: '2026-11-23T00:00:00.000Z', limit: '2' };
    expect(queries).toEqual([
      { ...filters, after_seq: '0' },
      { ...filters, after_seq: '2' },
      { ...filters, after_seq: '4' },
    ]);
  });

  it('stops fetching when the loop stops, and throws a page that fails its check', async () => {
    const { fetch, requests } = scriptedFetch([page([1, 2], 2), page([3], null)]);
    for await (const e of client(fetch).evidence.iterate()) if (e.seq === 1) break;
    expect(requests).toHaveLength(1);
    const broken = scriptedFetch([{ status: 200, json: { events: [{ seq: 'one' }], next_after_seq: null } }]);
    await expect(async () => {
      for await (const _ of client(broken.fetch).evidence.iterate()) void _;
    }).rejects.toBeInstanceOf(InvalidResponseError);
  });
});
