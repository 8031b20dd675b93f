/**
 * Method and URL overrides never reach the upstream. The loopback upstream here honours them as many
 * frameworks do (it would run DELETE for a POST carrying `X-HTTP-Method-Override: DELETE`); the proxy
 * refuses every such request with 400 naming the part, before a preflight, and the upstream hears
 * nothing. An encoded request body (which the upstream would decompress into undecided content) is
 * refused the same way.
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceOf, KEYS, type Rig, rawRequest, startRig } from './helpers.js';

let rig: Rig;
beforeAll(async () => {
  rig = await startRig();
});
afterAll(async () => {
  await rig.close();
});

const small = JSON.stringify({ amount: 100, currency: 'usd' });

function post(extraHeaders: string[], body: string | Buffer = small, type = 'application/json') {
  const head = [
    'POST /payments/charges/ch_1/refunds HTTP/1.1',
    `host: 127.0.0.1:${rig.port}`,
    `authorization: Bearer ${KEYS.agent}`,
    `content-type: ${type}`,
    ...extraHeaders,
  ].join('\n');
  return rawRequest(rig.port, head, typeof body === 'string' ? body : body.toString('latin1'));
}

describe('method and URL overrides', () => {
  it('an ordinary call goes through and runs the method that was decided', async () => {
    const res = await post([]);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).ran).toBe('POST');
    rig.upstream.seen.length = 0;
  });

  const headers = [
    'X-HTTP-Method-Override: DELETE',
    'X-HTTP-Method: DELETE',
    'X-Method-Override: DELETE',
    'X-Original-Method: DELETE',
    'X-Forwarded-Method: DELETE',
    'X-Original-URL: /v1/admin/wipe',
    'X-Original-URI: /v1/admin/wipe',
    'X-Rewrite-URL: /v1/admin/wipe',
    'X-Override-URL: /v1/admin/wipe',
    'X-Forwarded-Uri: /v1/admin/wipe',
    'X-Forwarded-Prefix: /v1/admin',
    'X-Envoy-Original-Path: /v1/admin/wipe',
    // CGI, Rack and PHP read underscores as dashes.
    'X_HTTP_METHOD_OVERRIDE: DELETE',
    'x-http-method-override: delete',
  ];
  it.each(headers)('%s is refused with 400 naming it, and never reaches the upstream', async (line) => {
    const before = (await evidenceOf(rig.gateway, 'decision')).length;
    const res = await post([line]);
    expect(res.status).toBe(400);
    const body = JSON.parse(res.body);
    expect(body).toMatchObject({ blocked: true, error: { code: 'proxy.override_refused' } });
    expect(body.error.message).toContain(line.slice(0, line.indexOf(':')).toLowerCase());
    expect(rig.upstream.seen).toHaveLength(0);
    expect((await evidenceOf(rig.gateway, 'decision')).length).toBe(before);
  });

  it('a _method query field is refused', async () => {
    const res = await rawRequest(
      rig.port,
      [
        'GET /payments/refunds/r_1?amount=100&_method=DELETE HTTP/1.1',
        `host: 127.0.0.1:${rig.port}`,
        `authorization: Bearer ${KEYS.agent}`,
      ].join('\n'),
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'proxy.override_refused' } });
    expect(JSON.parse(res.body).error.message).toContain('_method');
    expect(rig.upstream.seen).toHaveLength(0);
  });

  it('a _method field in a form or multipart body is refused', async () => {
    const form = await post(
      [],
      'amount=100&currency=usd&_method=DELETE',
      'application/x-www-form-urlencoded',
    );
    expect(form.status).toBe(400);
    expect(JSON.parse(form.body)).toMatchObject({ error: { code: 'proxy.override_refused' } });
    const multipart = [
      '--b0undary',
      'Content-Disposition: form-data; name="_method"',
      '',
      'DELETE',
      '--b0undary--',
      '',
    ].join('\r\n');
    const parts = await post([], multipart, 'multipart/form-data; boundary=b0undary');
    expect(parts.status).toBe(400);
    expect(JSON.parse(parts.body)).toMatchObject({ error: { code: 'proxy.override_refused' } });
    expect(rig.upstream.seen).toHaveLength(0);
  });

  it('an encoded request body is refused: the decision could not read it', async () => {
    const res = await post(
      ['content-encoding: gzip'],
      gzipSync(Buffer.from(small)),
      'application/octet-stream',
    );
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'proxy.encoding_refused' } });
    expect(rig.upstream.seen).toHaveLength(0);
    const identity = await post(['content-encoding: identity']);
    expect(identity.status).toBe(200);
    rig.upstream.seen.length = 0;
  });

  it('each refusal is counted by its code', () => {
    const stats = rig.proxy.stats();
    expect(stats.byCode['proxy.override_refused']).toBe(headers.length + 3);
    expect(stats.byCode['proxy.encoding_refused']).toBe(1);
    expect(stats.forwarded).toBe(2);
  });
});
