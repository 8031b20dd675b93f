/**
 * Input bounds at the edge: every JSON body nests at most 64 levels and has a canonical
 * form (finite numbers, well-formed UTF-16). Anything else is 400 request.invalid, naming the field,
 * before any store is touched: nothing reaches the ledger, nothing is held, nothing answers 500/503.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_BODY_DEPTH } from '../../src/constants.js';
import { MAX_ERROR_DETAILS } from '../../src/http/errors.js';
import { refund, type TestGateway, testGateway } from './helpers.js';

const PREFLIGHT = '/api/v1/actions/preflight';
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

/** `{"a":{"a":…{}…}}` with `levels` nested objects in all. */
function nested(levels: number): unknown {
  let value: unknown = {};
  for (let i = 1; i < levels; i++) value = { a: value };
  return value;
}

/** A preflight body whose total nesting is exactly `levels`. */
function deepPreflight(levels: number) {
  // body (1) → args (2) → levels - 2 more
  return refund(100, { args: { amount: 100, deep: nested(levels - 2) } });
}

const stores: Array<[string, () => Promise<TestGateway>]> = [
  ['memory', async () => testGateway()],
  [
    'file',
    async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'actpass-bounds-'));
      dirs.push(dir);
      return testGateway({ dir });
    },
  ],
];

describe.each(stores)('body bounds (%s stores)', (_name, open) => {
  it(`accepts ${MAX_BODY_DEPTH} levels and refuses ${MAX_BODY_DEPTH + 1}, naming the limit`, async () => {
    const { call, keys, ledger } = await open();
    const atLimit = await call('POST', PREFLIGHT, { key: keys.agent, body: deepPreflight(MAX_BODY_DEPTH) });
    expect(atLimit.status).toBe(200);
    const before = (await ledger()).length;
    const over = await call('POST', PREFLIGHT, { key: keys.agent, body: deepPreflight(MAX_BODY_DEPTH + 1) });
    expect(over.status).toBe(400);
    expect(over.body.error.code).toBe('request.invalid');
    expect(over.body.error.message).toContain(`deeper than ${MAX_BODY_DEPTH} levels`);
    expect((await ledger()).length).toBe(before);
  });

  it('refuses hostile nesting on every operation with a body, and brackets in strings do not count', async () => {
    const { call, keys, ledger } = await open();
    const hostile = `${'['.repeat(2500)}${']'.repeat(2500)}`;
    for (const [method, route, key] of [
      ['POST', PREFLIGHT, keys.agent],
      ['POST', '/api/v1/evidence', keys.agent],
      ['POST', '/api/v1/passports', keys.agent],
      ['PUT', '/api/v1/policy', keys.admin],
    ] as const) {
      const { status, body } = await call(method, route, { key, rawBody: `{"x":${hostile}}` });
      expect(status, route).toBe(400);
      expect(body.error.code).toBe('request.invalid');
    }
    const quoted = await call('POST', '/api/v1/evidence', {
      key: keys.agent,
      body: { type: 'app.note', data: { text: '['.repeat(500) } },
    });
    expect(quoted.status).toBe(201);
    expect((await ledger()).filter((event) => event.type === 'app.note')).toHaveLength(1);
  });

  it('one deeply nested held action cannot take down the approvals list', async () => {
    const { call, keys } = await open();
    const held = await call('POST', PREFLIGHT, {
      key: keys.agent,
      body: refund(20_000, { args: { amount: 20_000, deep: nested(2000) } }),
    });
    expect(held.status).toBe(400);
    const listed = await call('GET', '/api/v1/approvals', { key: keys.approver });
    expect(listed.status).toBe(200);
  });

  it('refuses values without a canonical form anywhere, naming where', async () => {
    const { call, keys, ledger } = await open();
    expect((await call('POST', PREFLIGHT, { key: keys.agent, body: refund(100) })).status).toBe(200);
    const before = (await ledger()).length;
    const cases: Array<[string, string, string, string]> = [
      [
        'POST',
        PREFLIGHT,
        '{"goal":"g","tool":"stripe.refund.create","args":{"amount":1e400}}',
        'body.args.amount',
      ],
      [
        'POST',
        PREFLIGHT,
        '{"goal":"g","tool":"stripe.refund.create","context":{"n":-1e999}}',
        'body.context.n',
      ],
      [
        'POST',
        PREFLIGHT,
        '{"goal":"g","tool":"stripe.refund.create","args":{"note":"\\ud800"}}',
        'body.args.note',
      ],
      [
        'POST',
        PREFLIGHT,
        '{"goal":"g","tool":"stripe.refund.create","args":{"\\udc00":1}}',
        'body.args["\\udc00"]',
      ],
      ['POST', '/api/v1/evidence', '{"type":"app.note","data":{"v":[1,1e400]}}', 'body.data.v[1]'],
      ['POST', '/api/v1/evidence', '{"type":"app.note","data":{"t":"a\\udbffb"}}', 'body.data.t'],
      [
        'PUT',
        '/api/v1/policy',
        '{"id":"p","version":1,"rules":[{"id":"r","when":[{"path":"args.a","operator":">","value":1e400}],"decision":"allow","reason":"x.y"}]}',
        'body.rules[0].when[0].value',
      ],
    ];
    for (const [method, route, rawBody, where] of cases) {
      const key = method === 'PUT' ? keys.admin : keys.agent;
      const { status, body } = await call(method, route, { key, rawBody });
      expect(status, rawBody).toBe(400);
      expect(body.error.code).toBe('request.invalid');
      expect(body.error.message.startsWith(`${where}:`), body.error.message).toBe(true);
    }
    expect((await ledger()).length).toBe(before);
  });
});

describe('error details bound', () => {
  it(`a policy with more than ${MAX_ERROR_DETAILS} problems is refused listing the first ${MAX_ERROR_DETAILS}`, async () => {
    const { call, keys } = testGateway();
    const broken = Array.from({ length: 60 }, () => ({ path: '0', operator: '<' }));
    const policy = {
      id: 'refunds',
      version: 2,
      default: { decision: 'deny', reason: 'policy.no_match', risk_tier: 'high' },
      rules: [{ id: 'r', any: broken, decision: 'deny', reason: 'a.b', risk_tier: 'low' }],
    };
    for (const [route, body] of [
      ['/api/v1/policy', policy],
      ['/api/v1/policy/simulate', { policy, since: '2026-11-23T00:00:00Z' }],
    ] as const) {
      const method = route.endsWith('simulate') ? 'POST' : 'PUT';
      const answer = await call(method, route, { key: keys.admin, body });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe('request.invalid');
      expect(answer.body.error.details).toHaveLength(MAX_ERROR_DETAILS);
      expect(answer.body.error.details[0].path).toMatch(/rules\[0\]\.any\[0\]/);
    }
  });
});
