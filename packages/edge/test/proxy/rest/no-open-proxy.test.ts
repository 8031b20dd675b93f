/**
 * No open proxy: every request target that is not a plain origin-form path to a configured
 * route is refused before a preflight, and none reaches the (request-counting) upstream. Requests are
 * written to the socket byte for byte, so no client normalises them first.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEYS, type Rig, rawRequest, startRig } from './helpers.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig.close();
});

async function decisions(): Promise<number> {
  const response = await rig.gateway.fetch(
    new Request('http://gw/api/v1/evidence?limit=1000', {
      headers: { authorization: `Bearer ${KEYS.admin}` },
    }),
  );
  const page = (await response.json()) as { events: Array<{ type: string }> };
  return page.events.filter((event) => event.type === 'decision').length;
}

function send(requestLine: string, options: { host?: string; body?: string; type?: string } = {}) {
  const head = [
    requestLine,
    `host: ${options.host ?? `127.0.0.1:${rig.port}`}`,
    `authorization: Bearer ${KEYS.agent}`,
    `content-type: ${options.type ?? 'application/json'}`,
  ].join('\n');
  return rawRequest(rig.port, head, options.body ?? '');
}

const small = JSON.stringify({ amount: 100, currency: 'usd' });

describe('refused before a preflight, never forwarded', () => {
  const cases: Array<[string, string, { host?: string; body?: string; type?: string }, number, string]> = [
    [
      'absolute-form target',
      'POST http://127.0.0.1:1/payments/charges/ch_1/refunds HTTP/1.1',
      {},
      400,
      'proxy.bad_target',
    ],
    [
      'absolute-form to the upstream itself',
      'GET UPSTREAM/v1/refunds/r_1?amount=1 HTTP/1.1',
      {},
      400,
      'proxy.bad_target',
    ],
    [
      'foreign Host',
      'POST /payments/charges/ch_1/refunds HTTP/1.1',
      { host: 'evil.example' },
      400,
      'proxy.foreign_host',
    ],
    ['dot-dot segment', 'GET /payments/refunds/../redirect?amount=1 HTTP/1.1', {}, 400, 'proxy.bad_target'],
    ['dot segment', 'GET /payments/./refunds/r_1?amount=1 HTTP/1.1', {}, 400, 'proxy.bad_target'],
    ['%2e%2e', 'GET /payments/refunds/%2e%2e/redirect?amount=1 HTTP/1.1', {}, 400, 'proxy.bad_target'],
    ['%2E%2E upper case', 'GET /payments/refunds/%2E%2E?amount=1 HTTP/1.1', {}, 400, 'proxy.bad_target'],
    ['.%2e mixed', 'GET /payments/refunds/.%2e?amount=1 HTTP/1.1', {}, 400, 'proxy.bad_target'],
    [
      '%2f inside a parameter',
      'GET /payments/refunds/r_1%2f..%2fredirect?amount=1 HTTP/1.1',
      {},
      400,
      'proxy.bad_target',
    ],
    ['%5c', 'GET /payments/refunds/r_1%5c..?amount=1 HTTP/1.1', {}, 400, 'proxy.bad_target'],
    [
      'raw backslash',
      'GET /payments/refunds/r_1\\..\\redirect?amount=1 HTTP/1.1',
      {},
      400,
      'proxy.bad_target',
    ],
    [
      'double encoding %252e',
      'GET /payments/refunds/%252e%252e?amount=1 HTTP/1.1',
      {},
      400,
      'proxy.bad_target',
    ],
    ['double encoding %252f', 'GET /payments/refunds/a%252fb?amount=1 HTTP/1.1', {}, 400, 'proxy.bad_target'],
    ['encoded NUL', 'GET /payments/refunds/r%00?amount=1 HTTP/1.1', {}, 400, 'proxy.bad_target'],
    ['broken escape', 'GET /payments/refunds/r%zz?amount=1 HTTP/1.1', {}, 400, 'proxy.bad_target'],
    ['empty segment', 'GET /payments/refunds//r_1?amount=1 HTTP/1.1', {}, 400, 'proxy.bad_target'],
    [
      'trailing slash (normalises into another route)',
      'GET /payments/refunds/r_1/?amount=1 HTTP/1.1',
      {},
      400,
      'proxy.bad_target',
    ],
    ['scheme-relative', 'GET //127.0.0.1:1/x HTTP/1.1', {}, 400, 'proxy.bad_target'],
    ['asterisk-form', 'OPTIONS * HTTP/1.1', {}, 400, 'proxy.bad_target'],
    ['TRACE', 'TRACE /payments/refunds/r_1 HTTP/1.1', {}, 400, 'proxy.method_refused'],
    ['unknown upstream', 'GET /internal-admin/refunds/r_1?amount=1 HTTP/1.1', {}, 404, 'proxy.no_route'],
    ['unrouted path', 'DELETE /payments/customers/cus_1 HTTP/1.1', {}, 404, 'proxy.no_route'],
    ['unrouted method', 'DELETE /payments/refunds/r_1 HTTP/1.1', {}, 405, 'proxy.no_route'],
    [
      'repeated query name',
      'GET /payments/refunds/r_1?amount=1&amount=999999 HTTP/1.1',
      {},
      400,
      'proxy.bad_args',
    ],
    [
      'non-integer where an integer is routed',
      'GET /payments/refunds/r_1?amount=1e3 HTTP/1.1',
      {},
      400,
      'proxy.bad_args',
    ],
    [
      'duplicate JSON key',
      'POST /payments/charges/ch_1/refunds HTTP/1.1',
      { body: '{"amount":100,"amount":999999}' },
      400,
      'proxy.bad_body',
    ],
    [
      'body the route reads, not sent as JSON',
      'POST /payments/charges/ch_1/refunds HTTP/1.1',
      { body: small, type: 'text/plain' },
      400,
      'proxy.bad_args',
    ],
    [
      'body over the limit',
      'POST /payments/charges/ch_1/refunds HTTP/1.1',
      { body: JSON.stringify({ amount: 1, pad: 'x'.repeat(5000) }) },
      413,
      'proxy.body_too_large',
    ],
  ];

  it.each(cases)('%s', async (_name, line, options, status, code) => {
    const before = await decisions();
    const res = await send(line.replace('UPSTREAM', rig.upstream.url), { body: small, ...options });
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body)).toMatchObject({ blocked: true, error: { code } });
    expect(rig.upstream.seen).toHaveLength(0);
    expect(await decisions()).toBe(before);
  });

  it('CONNECT is answered 400 on the socket', async () => {
    const res = await rawRequest(
      rig.port,
      `CONNECT ${rig.upstream.url.slice(7)} HTTP/1.1\nhost: ${rig.upstream.url.slice(7)}`,
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ blocked: true, error: { code: 'proxy.method_refused' } });
    expect(rig.upstream.seen).toHaveLength(0);
  });
});

describe('what is forwarded', () => {
  it('does not follow an upstream redirect: the 302 goes back to the agent', async () => {
    const res = await send('GET /payments/redirect?amount=100 HTTP/1.1');
    expect(res.status).toBe(302);
    expect(res.head).toMatch(/^location: http:\/\/127\.0\.0\.1:9\/elsewhere$/im);
    expect(rig.upstream.seen.map((seen) => seen.url)).toEqual(['/v1/redirect?amount=100']);
  });

  it('sends the path byte for byte as it was decided (escapes kept, parameters decoded once for args)', async () => {
    rig.upstream.seen.length = 0;
    const res = await send('GET /payments/refunds/r%20%C3%A9?amount=100 HTTP/1.1');
    expect(res.status).toBe(200);
    expect(rig.upstream.seen.map((seen) => seen.url)).toEqual(['/v1/refunds/r%20%C3%A9?amount=100']);
  });
});
