/**
 * Flow control through the served REST proxy: each route says what a call reads or sends (`flow`),
 * the agent's `x-actpass-session` names the session (else one per agent key), and the refunds pack's
 * shipped trifecta rule holds a sending route once the session read private data and untrusted
 * content. The upstream never sees the held call; another session is not held; a hostile session
 * header is refused before any decision.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyConfigError, parseRestProxyConfig } from '../../../src/proxy/rest/index.js';
import { evidenceOf, KEYS, type Rig, startRig } from './helpers.js';

const amount = { amount: { from: 'query.amount', type: 'integer' } };
const route = (path: string, flow: string[]) => ({
  method: 'GET',
  path,
  tool: 'stripe.refund.create',
  args: amount,
  flow,
});

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({
    config: (url: string) => ({
      upstreams: [
        {
          name: 'payments',
          base_url: `${url}/v1`,
          credential: { name: 'stripe_key' },
          routes: [
            route('/customers', ['private_data']),
            route('/inbox', ['untrusted_content']),
            route('/webhooks/send', ['external_comm']),
          ],
        },
      ],
    }),
  });
});
afterAll(async () => {
  await rig.close();
});

async function get(path: string, session?: string) {
  const response = await fetch(`${rig.url}/payments${path}?amount=100`, {
    headers: {
      authorization: `Bearer ${KEYS.agent}`,
      ...(session !== undefined ? { 'x-actpass-session': session } : {}),
    },
  });
  return { status: response.status, json: (await response.json()) as Record<string, never> };
}

describe('flow control in the REST proxy', () => {
  it('holds a sending route after private and untrusted reads in one session; the upstream never sees it', async () => {
    expect((await get('/customers', 'rest-1')).status).toBe(200);
    expect((await get('/inbox', 'rest-1')).status).toBe(200);
    const seen = rig.upstream.seen.length;
    const held = await get('/webhooks/send', 'rest-1');
    expect(held.status).toBe(403);
    expect(held.json).toMatchObject({
      decision: { decision: 'require_approval', reason_code: 'flow.trifecta' },
    });
    expect(JSON.stringify(held.json)).toMatch(/private_data from stripe\.refund\.create \(ev_/);
    expect(rig.upstream.seen).toHaveLength(seen);

    expect((await get('/webhooks/send', 'rest-2')).status).toBe(200);
    const labeled = await evidenceOf(rig.gateway, 'session.labeled');
    expect(labeled.map((event) => [event.data.session_id, event.data.label])).toEqual([
      ['rest-1', 'private_data'],
      ['rest-1', 'untrusted_content'],
      ['rest-2', 'external_comm'],
    ]);
  });

  it('without a session header, every call of one agent key is one session', async () => {
    await get('/customers');
    await get('/inbox');
    expect((await get('/webhooks/send')).status).toBe(403);
  });

  it('refuses a hostile session header before any decision', async () => {
    const before = (await evidenceOf(rig.gateway, 'decision')).length;
    for (const hostile of ['a b', 'x'.repeat(200), '"><script>']) {
      const res = await get('/customers', hostile);
      expect(res.status, hostile).toBe(400);
      expect(res.json).toMatchObject({ error: { code: 'proxy.header_refused' } });
    }
    expect((await evidenceOf(rig.gateway, 'decision')).length).toBe(before);
  });

  it('names a bad flow list in the config', () => {
    const config = {
      upstreams: [
        { name: 'p', base_url: 'http://127.0.0.1:9/v1', routes: [{ ...route('/x', ['secret_stuff']) }] },
      ],
    };
    expect(() => parseRestProxyConfig(config)).toThrow(ProxyConfigError);
    expect(() => parseRestProxyConfig(config)).toThrow(/routes\[0\]\.flow: must be a list of private_data/);
  });
});
