import { describe, expect, it } from 'vitest';
import { ActPass, InvalidResponseError } from '../../src/index.js';
import { scriptedFetch } from '../helpers/scripted-fetch.js';

const BASE = 'http://gateway.test';
const SUSPENSION = {
  id: 'sus_01J9Z8Q4M5N6P7R8S9T0V1W2X3',
  scope: 'tool',
  match: 'stripe.refund.*',
  reason: 'Upstream refund bug',
  status: 'active',
  created_at: '2026-11-23T18:05:00.000Z',
  created_by: 'key_admin',
};

function client(script: Parameters<typeof scriptedFetch>[0]) {
  const fake = scriptedFetch(script);
  return {
    ...fake,
    actpass: new ActPass({ apiKey: 'ak_test_admin', baseUrl: BASE, fetch: fake.fetch, maxRetries: 0 }),
  };
}

describe('client.suspensions', () => {
  it('suspends, lists, reads and resumes on the contract paths', async () => {
    const resumed = {
      ...SUSPENSION,
      status: 'resumed',
      resumed_at: '2026-11-23T18:20:00.000Z',
      resumed_by: 'key_admin',
    };
    const { actpass, requests } = client([
      { status: 201, json: SUSPENSION },
      { status: 200, json: { items: [SUSPENSION] } },
      { status: 200, json: SUSPENSION },
      { status: 200, json: resumed },
    ]);
    const created = await actpass.suspensions.create({
      scope: 'tool',
      match: 'stripe.refund.*',
      reason: 'Upstream refund bug',
    });
    expect(created.status).toBe('active');
    const list = await actpass.suspensions.list({ status: 'all', limit: 5 });
    expect(list.items.map((s) => s.id)).toEqual([SUSPENSION.id]);
    expect((await actpass.suspensions.get(SUSPENSION.id)).match).toBe('stripe.refund.*');
    expect((await actpass.suspensions.resume(SUSPENSION.id)).status).toBe('resumed');

    expect(requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `POST ${BASE}/api/v1/suspensions`,
      `GET ${BASE}/api/v1/suspensions?status=all&limit=5`,
      `GET ${BASE}/api/v1/suspensions/${SUSPENSION.id}`,
      `DELETE ${BASE}/api/v1/suspensions/${SUSPENSION.id}`,
    ]);
    expect(JSON.parse(requests[0]?.body ?? '{}')).toEqual({
      scope: 'tool',
      match: 'stripe.refund.*',
      reason: 'Upstream refund bug',
    });
  });

  it('keeps a hostile id inside its path segment', async () => {
    const { actpass, requests } = client([{ status: 200, json: SUSPENSION }]);
    await actpass.suspensions.resume('../credentials/stripe?x=1#');
    expect(requests[0]?.url).toBe(`${BASE}/api/v1/suspensions/..%2Fcredentials%2Fstripe%3Fx%3D1%23`);
  });

  it('rejects a response that is not a suspension instead of returning it', async () => {
    const { actpass } = client([{ status: 201, json: { ...SUSPENSION, status: 'paused' } }]);
    await expect(actpass.suspensions.create({ scope: 'tenant', reason: 'incident' })).rejects.toBeInstanceOf(
      InvalidResponseError,
    );
  });
});
