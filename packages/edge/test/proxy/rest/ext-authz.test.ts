/**
 * The REST proxy as an Envoy HTTP ext_authz service: the check requests below are what Envoy sends
 * (original method and headers, `<path_prefix><original path>`, the body with `with_request_body`),
 * written on the socket byte for byte. Nothing ever reaches the upstream from here: the data plane
 * forwards, ActPass decides.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { parseRestProxyConfig } from '../../../src/proxy/rest/index.js';
import { KEYS, proxyConfig, type Rig, rawRequest, SECRET, startRig } from './helpers.js';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/** What Envoy sends for an agent's `POST <upstream>/v1/charges/ch_1/refunds`. */
function check(
  r: Rig,
  options: { path?: string; host?: string; key?: string | null; body?: unknown; extra?: string } = {},
) {
  const host = options.host ?? new URL(r.upstream.url).host;
  const body = JSON.stringify(options.body ?? { amount: 4900, currency: 'usd' });
  const auth = options.key === null ? '' : `\nauthorization: Bearer ${options.key ?? KEYS.agent}`;
  return rawRequest(
    r.port,
    `POST /ext_authz${options.path ?? '/v1/charges/ch_1/refunds'} HTTP/1.1\nhost: ${host}${auth}\ncontent-type: application/json${options.extra ?? ''}`,
    body,
  );
}

describe('ext_authz', () => {
  it('answers 200 for an allowed action with the decision, the vaulted credential and the agent key to remove', async () => {
    rig = await startRig({ config: (url: string) => proxyConfig(url, { ext_authz: true }) });
    const answer = await check(rig);
    expect(answer.status).toBe(200);
    expect(answer.head).toMatch(/\nx-actpass-decision: allow/);
    expect(answer.head).toMatch(/\nx-actpass-evidence-event-id: \S+/);
    // The upstream credential replaces the agent's ActPass key in the request Envoy forwards.
    expect(answer.head).toContain(`\nauthorization: Bearer ${SECRET}`);
    expect(rig.upstream.seen).toHaveLength(0);
  });

  it('answers 403 with the decision for an action policy does not allow, and leaks no credential', async () => {
    rig = await startRig({ config: (url: string) => proxyConfig(url, { ext_authz: true }) });
    const answer = await check(rig, { body: { amount: 5_000_000, currency: 'usd' } });
    expect(answer.status).toBe(403);
    expect(JSON.parse(answer.body)).toMatchObject({
      blocked: true,
      decision: { decision: expect.not.stringMatching(/^allow$/) },
    });
    expect(answer.head + answer.body).not.toContain(SECRET);
    expect(rig.upstream.seen).toHaveLength(0);
  });

  it('refuses what the proxy refuses: no key, another host, traversal, an override header, an unmapped field', async () => {
    rig = await startRig({ config: (url: string) => proxyConfig(url, { ext_authz: true }) });
    expect((await check(rig, { key: null })).status).toBe(401);
    const foreign = await check(rig, { host: 'payments.attacker.example' });
    expect(foreign.status).toBe(404);
    expect(JSON.parse(foreign.body).error.code).toBe('proxy.no_route');
    expect((await check(rig, { path: '/v1/charges/ch_1/../../admin' })).status).toBe(400);
    expect((await check(rig, { path: '/v1/charges/ch_1/%2e%2e/refunds' })).status).toBe(400);
    expect((await check(rig, { path: '/admin/charges/ch_1/refunds' })).status).toBe(404);
    const override = await check(rig, { extra: '\nx-http-method-override: DELETE' });
    expect(override.status).toBe(400);
    expect(JSON.parse(override.body).error.code).toBe('proxy.override_refused');
    const unmapped = await check(rig, { body: { amount: 4900, currency: 'usd', admin: true } });
    expect(unmapped.status).toBe(400);
    expect(JSON.parse(unmapped.body).error.code).toBe('proxy.unmapped_field');
    expect(rig.upstream.seen).toHaveLength(0);
  });

  it('answers 503 when no decision can be had (Envoy must be set to fail closed too)', async () => {
    const unreachable = (() => Promise.reject(new TypeError('fetch failed'))) as typeof fetch;
    rig = await startRig({
      config: (url: string) => proxyConfig(url, { ext_authz: true }),
      gatewayFetch: unreachable,
    });
    expect((await check(rig)).status).toBe(503);
  });

  it('is off unless configured, and its prefix cannot shadow an upstream', async () => {
    rig = await startRig();
    const off = await check(rig);
    expect(off.status).not.toBe(200);
    expect(rig.upstream.seen).toHaveLength(0);
    expect(() =>
      parseRestProxyConfig(proxyConfig('http://127.0.0.1:1', { ext_authz: { path_prefix: '/payments' } })),
    ).toThrow(/ext_authz\.path_prefix: its first segment "payments" is also an upstream's name/);
    expect(() =>
      parseRestProxyConfig(proxyConfig('http://127.0.0.1:1', { ext_authz: { path_prefix: '/x/../y' } })),
    ).toThrow(/ext_authz\.path_prefix: must be a path/);
  });
});
