/**
 * What the route decides, not the agent: goal and user come from the route config unless the route
 * lists them in `agent_may_set` (then the agent's values are used and recorded as agent-asserted), and a
 * route with an args map refuses query and body fields it does not map unless it says
 * `pass_unmapped: true` (then they are decided args under `unmapped`). Checked through the served proxy
 * against the echoing upstream and the decision events in the ledger.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyConfigError, parseRestProxyConfig } from '../../../src/proxy/rest/index.js';
import { evidenceOf, KEYS, type Rig, rawRequest, startRig } from './helpers.js';

const refundArgs = {
  charge: 'path.charge',
  amount: 'body.amount',
  currency: 'body.currency',
  reason: 'body.meta.reason',
};

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
            {
              method: 'POST',
              path: '/charges/{charge}/refunds',
              tool: 'stripe.refund.create',
              goal: 'resolve_refund_request',
              user_id: 'support-desk',
              args: refundArgs,
            },
            {
              method: 'POST',
              path: '/asserted/{charge}/refunds',
              tool: 'stripe.refund.create',
              goal: 'resolve_refund_request',
              agent_may_set: ['goal', 'user_id'],
              args: refundArgs,
            },
            {
              method: 'GET',
              path: '/refunds/{id}',
              tool: 'stripe.refund.create',
              goal: 'resolve_refund_request',
              args: { amount: { from: 'query.amount', type: 'integer' } },
            },
            {
              method: 'POST',
              path: '/open/{charge}/refunds',
              tool: 'stripe.refund.create',
              goal: 'resolve_refund_request',
              args: { amount: 'body.amount', currency: 'body.currency' },
              pass_unmapped: true,
            },
          ],
        },
      ],
    }),
  });
});
afterAll(async () => {
  await rig.close();
});

async function call(
  path: string,
  init: { body?: unknown; headers?: Record<string, string>; method?: string } = {},
) {
  if (init.method === 'GET' && init.body !== undefined) {
    // fetch will not send a GET with a body; an agent on a raw socket will.
    const head = [
      `GET ${path} HTTP/1.1`,
      `host: 127.0.0.1:${rig.port}`,
      `authorization: Bearer ${KEYS.agent}`,
      'content-type: application/json',
    ];
    const res = await rawRequest(rig.port, head.join('\n'), JSON.stringify(init.body));
    return { status: res.status, text: res.body, json: JSON.parse(res.body) };
  }
  const response = await fetch(`${rig.url}${path}`, {
    method: init.method ?? 'POST',
    headers: {
      authorization: `Bearer ${KEYS.agent}`,
      ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...init.headers,
    },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, text, json: JSON.parse(text) };
}

async function lastDecision() {
  const decisions = await evidenceOf(rig.gateway, 'decision');
  return decisions.at(-1)?.data as { action: Record<string, unknown>; context?: Record<string, unknown> };
}

const small = { amount: 100, currency: 'usd' };

describe('goal and user come from the route', () => {
  it('refuses x-actpass-goal and x-actpass-user-id on a route that sets them itself', async () => {
    const before = (await evidenceOf(rig.gateway, 'decision')).length;
    for (const [name, value] of [
      ['x-actpass-goal', 'anything_goes'],
      ['x-actpass-user-id', 'ceo'],
    ] as const) {
      const res = await call('/payments/charges/ch_1/refunds', { body: small, headers: { [name]: value } });
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ blocked: true, error: { code: 'proxy.header_refused' } });
      expect(res.json.error.message).toContain(name);
    }
    expect(rig.upstream.seen).toHaveLength(0);
    expect((await evidenceOf(rig.gateway, 'decision')).length).toBe(before);
  });

  it("decides with the route's goal and user, nothing agent-asserted", async () => {
    const res = await call('/payments/charges/ch_1/refunds', { body: small });
    expect(res.status).toBe(200);
    const decision = await lastDecision();
    expect(decision.action).toMatchObject({ goal: 'resolve_refund_request', user_id: 'support-desk' });
    // Only the session the proxy names (one per agent key here): nothing the agent asserted.
    expect(decision.context).toEqual({
      session: { id: expect.stringMatching(/^key-[0-9a-f]{32}$/), labels: [], call_labels: [] },
    });
  });

  it('takes the headers where agent_may_set allows them, recorded as agent-asserted', async () => {
    const res = await call('/payments/asserted/ch_1/refunds', {
      body: small,
      headers: { 'x-actpass-goal': 'refund_duplicate_charge', 'x-actpass-user-id': 'user_42' },
    });
    expect(res.status).toBe(200);
    const decision = await lastDecision();
    expect(decision.action).toMatchObject({ goal: 'refund_duplicate_charge', user_id: 'user_42' });
    expect(decision.context).toMatchObject({ agent_asserted: ['goal', 'user_id'] });
    const plain = await call('/payments/asserted/ch_1/refunds', { body: small });
    expect(plain.status).toBe(200);
    expect((await lastDecision()).context).not.toHaveProperty('agent_asserted');
  });
});

describe('unmapped fields', () => {
  const refused: Array<[string, string, { body?: unknown; method?: string }, string]> = [
    ['a query field', '/payments/refunds/r_1?amount=100&admin=true', { method: 'GET' }, 'query.admin'],
    ['a body field', '/payments/charges/ch_1/refunds', { body: { ...small, role: 'admin' } }, 'body.role'],
    [
      'a field beside a mapped nested one',
      '/payments/charges/ch_1/refunds',
      { body: { ...small, meta: { reason: 'dup', escalate: true } } },
      'body.meta.escalate',
    ],
    [
      'a non-object where the map reads inside',
      '/payments/charges/ch_1/refunds',
      { body: { ...small, meta: ['reason', 'dup'] } },
      'body.meta',
    ],
    [
      '__proto__',
      '/payments/charges/ch_1/refunds',
      { body: JSON.parse('{"amount":1,"__proto__":{"x":1}}') },
      'body.__proto__',
    ],
    [
      'a body on a route that reads none',
      '/payments/refunds/r_1?amount=100',
      { method: 'GET', body: { a: 1 } },
      'body',
    ],
  ];
  it.each(refused)(
    '%s is refused with 400 naming it, never reaching the upstream',
    async (_n, path, init, field) => {
      rig.upstream.seen.length = 0;
      const res = await call(path, init);
      expect(res.status).toBe(400);
      expect(res.json).toMatchObject({ blocked: true, error: { code: 'proxy.unmapped_field' } });
      expect(res.json.error.message.startsWith(`${field} is not one of this route's args`)).toBe(true);
      expect(rig.upstream.seen).toHaveLength(0);
    },
  );

  it('an agent-supplied field name is escaped in the answer and the log', async () => {
    // A C1 CSI (an ANSI escape in 8-bit form) and a right-to-left override in a query name.
    const res = await call('/payments/refunds/r_1?amount=100&%c2%9b31mred%e2%80%ae=1', { method: 'GET' });
    expect(res.status).toBe(400);
    expect(res.json.error.message).toContain('query.\\x9b31mred\\u202e');
    expect(res.text).not.toMatch(/\u009b|\u202e/);
    const line = rig.logs.find((entry) => entry.includes('red\\\\u202e'));
    expect(line).toMatch(/^warn proxy refused a request/);
    expect(rig.logs.join('\n')).not.toMatch(/\u009b|\u202e/);
  });

  it('with pass_unmapped they are decided args under "unmapped"', async () => {
    rig.upstream.seen.length = 0;
    const res = await call('/payments/open/ch_1/refunds?admin=true', {
      body: { ...small, role: 'admin', meta: { x: 1 } },
    });
    expect(res.status).toBe(200);
    expect(rig.upstream.seen).toHaveLength(1);
    const decision = await lastDecision();
    expect(decision.action.args).toEqual({
      amount: 100,
      currency: 'usd',
      charge: 'ch_1',
      unmapped: { query: { admin: 'true' }, body: { role: 'admin', meta: { x: 1 } } },
    });
  });

  it('a raw ";" in the query is refused: some servers split there, and the second field would go undecided', async () => {
    rig.upstream.seen.length = 0;
    const res = await call('/payments/open/ch_1/refunds?note=1;admin=true', { body: small });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'proxy.bad_args' } });
    expect(res.json.error.message).toContain('%3B');
    expect(rig.upstream.seen).toHaveLength(0);
    const encoded = await call('/payments/open/ch_1/refunds?note=1%3Badmin=true', { body: small });
    expect(encoded.status).toBe(200);
  });

  it('path parameters the map and resource leave out are decided under their own name', async () => {
    const res = await call('/payments/refunds/r_7?amount=100', { method: 'GET' });
    expect(res.status).toBe(200);
    expect((await lastDecision()).action.args).toEqual({ amount: 100, id: 'r_7' });
  });
});

describe('config', () => {
  function problems(route: Record<string, unknown>): string[] {
    try {
      parseRestProxyConfig({
        upstreams: [
          {
            name: 'p',
            base_url: 'http://127.0.0.1:1',
            routes: [{ method: 'POST', path: '/a/{id}', tool: 'x.y', ...route }],
          },
        ],
      });
    } catch (error) {
      if (error instanceof ProxyConfigError) return error.problems;
      throw error;
    }
    return [];
  }

  it('validates agent_may_set, user_id and pass_unmapped, naming each field', () => {
    expect(problems({ agent_may_set: 'goal' })).toEqual([
      'upstreams[0].routes[0].agent_may_set: must be a list of goal, user_id',
    ]);
    expect(problems({ agent_may_set: ['goal', 'goal', 'passport'] })).toEqual([
      'upstreams[0].routes[0].agent_may_set[1]: "goal" is listed twice',
      'upstreams[0].routes[0].agent_may_set[2]: must be one of goal, user_id',
    ]);
    expect(problems({ user_id: '' })).toEqual(['upstreams[0].routes[0].user_id: must be a non-empty string']);
    expect(problems({ pass_unmapped: true })).toEqual([
      expect.stringMatching(
        /^upstreams\[0\]\.routes\[0\]\.pass_unmapped: applies to a route with an args map only/,
      ),
    ]);
    expect(problems({ pass_unmapped: 'yes', args: { a: 'body.a' } })).toEqual([
      'upstreams[0].routes[0].pass_unmapped: must be true or false',
    ]);
    expect(problems({ pass_unmapped: true, args: { unmapped: 'body.a' } })).toEqual([
      expect.stringMatching(/^upstreams\[0\]\.routes\[0\]\.args\.unmapped: is reserved/),
    ]);
    expect(problems({ args: { id: 'body.id' } })).toEqual([
      expect.stringMatching(
        /^upstreams\[0\]\.routes\[0\]\.args\.id: names another source, so path parameter \{id\}/,
      ),
    ]);
    expect(problems({ args: { a: 'body.a' }, agent_may_set: ['goal', 'user_id'], user_id: 'u' })).toEqual([]);
  });

  it('validates rate_limits', () => {
    const found = (() => {
      try {
        parseRestProxyConfig({
          rate_limits: {
            per_agent_key: { per_minute: 0, burst: 'x' },
            failed_auth_per_client: 5,
            per_ip: {},
          },
          upstreams: [
            { name: 'p', base_url: 'http://127.0.0.1:1', routes: [{ method: 'GET', path: '/a', tool: 'x' }] },
          ],
        });
      } catch (error) {
        return (error as ProxyConfigError).problems;
      }
      return [];
    })();
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^rate_limits\.per_ip: unknown field/),
        'rate_limits.per_agent_key.per_minute: must be an integer from 1 to 6000000',
        'rate_limits.per_agent_key.burst: must be an integer from 1 to 1000000',
        'rate_limits.failed_auth_per_client: must be an object {per_minute, burst}',
      ]),
    );
  });
});
