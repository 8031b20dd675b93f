import { describe, expect, it } from 'vitest';
import { ActPass, APIUserAbortError } from '../../src/index.js';
import { BASE_URL } from '../helpers/fixtures.js';
import { scriptedFetch } from '../helpers/scripted-fetch.js';

const approval = (status: string) => ({
  status: 200,
  json: {
    id: 'apr_1',
    status,
    action: {
      tenant_id: 'acme',
      agent_id: null,
      user_id: null,
      goal: 'g',
      tool: 't',
      resource: null,
      args: {},
    },
    action_hash: 'a'.repeat(64),
    reason_code: 'refund.medium_needs_approval',
    created_at: '2026-11-23T18:00:00.000Z',
    expires_at: '2026-11-24T18:00:00.000Z',
  },
});

function fakeClock() {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: async (ms: number) => {
      waits.push(ms);
      now += ms;
    },
  };
}

describe('approvals.waitFor', () => {
  it('returns as soon as the request leaves pending', async () => {
    const clock = fakeClock();
    const { fetch, requests } = scriptedFetch([approval('pending'), approval('pending'), approval('denied')]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, now: clock.now, sleep: clock.sleep });
    const result = await client.approvals.waitFor('apr_1', { timeoutMs: 10_000, pollIntervalMs: 500 });
    expect(result.status).toBe('denied');
    expect(requests).toHaveLength(3);
    expect(clock.waits).toEqual([500, 500]);
  });

  it('returns the still-pending request at the deadline, never sleeping past it', async () => {
    const clock = fakeClock();
    const { fetch, requests } = scriptedFetch([
      approval('pending'),
      approval('pending'),
      approval('pending'),
    ]);
    const client = new ActPass({ apiKey: 'k', baseUrl: BASE_URL, fetch, now: clock.now, sleep: clock.sleep });
    const result = await client.approvals.waitFor('apr_1', { timeoutMs: 1_500, pollIntervalMs: 1_000 });
    expect(result.status).toBe('pending');
    expect(clock.waits).toEqual([1_000, 500]);
    expect(requests).toHaveLength(3);
  });

  it('stops with APIUserAbortError when the signal aborts during a wait', async () => {
    const controller = new AbortController();
    const { fetch } = scriptedFetch([approval('pending'), approval('pending')]);
    const client = new ActPass({
      apiKey: 'k',
      baseUrl: BASE_URL,
      fetch,
      sleep: async () => {
        controller.abort();
        throw new Error('aborted');
      },
    });
    const wait = client.approvals.waitFor('apr_1', { timeoutMs: 10_000, signal: controller.signal });
    await expect(wait).rejects.toBeInstanceOf(APIUserAbortError);
  });
});
