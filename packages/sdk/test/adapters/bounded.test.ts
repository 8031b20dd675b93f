/**
 * The bounded collections the adapters keep per process, and the held-action memory built on them:
 * which entry goes first, what a re-insert does, which limits are refused.
 */
import { describe, expect, it } from 'vitest';
import { BoundedMap, BoundedSet } from '../../src/adapters/bounded.js';
import { actionKey, pendingApproval, rememberApproval } from '../../src/adapters/pending-approvals.js';
import { ActPass } from '../../src/index.js';
import { BASE_URL, decisionOf } from '../helpers/fixtures.js';

describe('BoundedMap', () => {
  it('forgets the oldest entry once it holds more than its limit', () => {
    const map = new BoundedMap<string, number>(3);
    for (const [i, key] of ['a', 'b', 'c', 'd', 'e'].entries()) map.set(key, i);
    expect([...map.keys()]).toEqual(['c', 'd', 'e']);
    expect(map.size).toBe(3);
    expect(map.get('a')).toBeUndefined();
    expect(map.get('e')).toBe(4);
  });

  it('a re-insert makes the entry the newest (and takes its new value); a read does not', () => {
    const map = new BoundedMap<string, number>(3);
    map.set('a', 1).set('b', 2).set('c', 3);
    map.set('a', 10); // refreshed: now newest
    expect(map.get('b')).toBe(2); // only read: stays oldest
    map.set('d', 4);
    expect([...map.keys()]).toEqual(['c', 'a', 'd']);
    expect(map.get('a')).toBe(10);
    expect(map.has('b')).toBe(false);
  });

  it('a deleted entry frees its place without evicting anything', () => {
    const map = new BoundedMap<string, number>(2);
    map.set('a', 1).set('b', 2);
    expect(map.delete('a')).toBe(true);
    expect(map.delete('a')).toBe(false);
    map.set('c', 3);
    expect([...map.keys()]).toEqual(['b', 'c']);
  });

  it('a limit of 1 keeps only the newest entry', () => {
    const map = new BoundedMap<string, number>(1);
    map.set('a', 1).set('b', 2);
    expect([...map.keys()]).toEqual(['b']);
  });

  it.each([0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53])(
    'refuses the limit %s, naming it',
    (limit) => {
      expect(() => new BoundedMap(limit)).toThrow(RangeError);
      expect(() => new BoundedMap(limit)).toThrow(/limit must be a whole number of at least 1/);
    },
  );
});

describe('BoundedSet', () => {
  it('evicts the oldest member; a re-add refreshes it', () => {
    const set = new BoundedSet<string>(2);
    set.add('a').add('b').add('a').add('c');
    expect([...set.values()]).toEqual(['a', 'c']);
    expect(set.has('b')).toBe(false);
    expect(set.size).toBe(2);
    expect(set.limit).toBe(2);
  });

  it('refuses a limit below 1', () => {
    expect(() => new BoundedSet(0)).toThrow(/limit must be a whole number of at least 1; got 0/);
  });
});

describe('held-action memory', () => {
  const client = () => new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch: async () => new Response(null) });
  const held = (id: string) => decisionOf('require_approval', { approval_request_id: id });
  const keyOf = (n: number) =>
    actionKey({ goal: 'resolve_refund_request', tool: 'stripe.refund.create', args: { amount: n } });

  it('remembers at most 1000 held actions per client, forgetting the oldest first', async () => {
    const actpass = client();
    const keys = await Promise.all(Array.from({ length: 1001 }, (_, n) => keyOf(n)));
    for (const [n, key] of keys.entries()) rememberApproval(actpass, key, held(`apr_${n}`));
    expect(pendingApproval(actpass, keys[0] ?? null)).toBeUndefined();
    expect(pendingApproval(actpass, keys[1] ?? null)).toBe('apr_1');
    expect(pendingApproval(actpass, keys[1000] ?? null)).toBe('apr_1000');
    // Another client's memory is its own.
    expect(pendingApproval(client(), keys[1000] ?? null)).toBeUndefined();
  });

  it('forgets an action once its decision is no longer "pending"', async () => {
    const actpass = client();
    const key = await keyOf(1);
    rememberApproval(actpass, key, held('apr_1'));
    expect(pendingApproval(actpass, key)).toBe('apr_1');
    rememberApproval(actpass, key, decisionOf('allow'));
    expect(pendingApproval(actpass, key)).toBeUndefined();
  });
});
