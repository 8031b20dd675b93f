/**
 * People's sign-in against a real OpenID provider on loopback (oidc-provider): the whole
 * authorization-code flow with PKCE over HTTP, what the ledger records for a signed-in approver and
 * admin, and every refusal a tampered or replayed sign-in meets, each with its code and a message
 * that says what to do.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway, verifyExport } from '../../../src/index.js';
import {
  ADMIN_GROUP,
  ADMIN_KEY,
  AGENT_KEY,
  APPROVER_GROUP,
  CookieBrowser,
  claimSession,
  type SignInGateway,
  signIn,
  signInAtProvider,
  startSignInGateway,
} from './harness.js';

const USERS = {
  alice: { name: 'Alice Approver', email: 'alice@example.com', groups: [APPROVER_GROUP, 'staff'] },
  ada: { name: 'Ada Admin', groups: [ADMIN_GROUP] },
  bob: { name: 'Bob Staff', groups: ['staff'] },
  nogroups: { name: 'No Groups' },
};

const REFUND = {
  goal: 'resolve_refund_request',
  tool: 'stripe.refund.create',
  resource: 'stripe:charge:ch_9',
  args: { amount: 25_000, order: 'ord_1' },
};

const PYTHON = join(__dirname, '../../../../../python/.venv/bin/python');

async function holdRefund(url: string, order: string): Promise<string> {
  const held = await fetch(`${url}/api/v1/actions/preflight`, {
    method: 'POST',
    headers: bearer(AGENT_KEY),
    body: JSON.stringify({ ...REFUND, args: { ...REFUND.args, order } }),
  });
  const decision = (await held.json()) as { decision: string; approval_request_id: string };
  expect(decision.decision).toBe('require_approval');
  return decision.approval_request_id;
}

async function errorOf(response: Response): Promise<{ status: number; code: string; message: string }> {
  const body = (await response.json()) as { error: { code: string; message: string } };
  return { status: response.status, ...body.error };
}

function bearer(token: string) {
  return { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
}

describe('sign-in through an OpenID provider (HTTP)', { timeout: 30_000 }, () => {
  let env: SignInGateway;

  beforeAll(async () => {
    env = await startSignInGateway(USERS, { sessionTtlSeconds: 3600 });
  }, 30_000);
  afterAll(async () => {
    await env?.close();
  });

  it('offers the provider to the console, and starts with PKCE (S256), state and nonce in a Lax HttpOnly cookie', async () => {
    const providers = await fetch(`${env.url}/api/v1/auth/providers`);
    await expect(providers.json()).resolves.toEqual({
      items: [{ id: 'oidc', name: 'Local SSO', login_url: '/api/v1/auth/oidc/login' }],
    });
    const start = await fetch(`${env.url}/api/v1/auth/oidc/login`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get('location') ?? '');
    expect(location.origin).toBe(env.provider.issuer);
    const params = location.searchParams;
    expect(params.get('response_type')).toBe('code');
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(params.get('redirect_uri')).toBe(env.redirectUri);
    const cookie = start.headers.get('set-cookie') ?? '';
    expect(cookie).toContain(`actpass_signin=${params.get('state')}`);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // Loopback over plain http: Secure would make the browser drop it.
    expect(cookie).not.toMatch(/Secure/);
  });

  it('signs an approver in end to end; the approval they make records their issuer and subject', async () => {
    const { browser, callbackUrl } = await signInAtProvider(env, 'alice');
    const back = await browser.request(callbackUrl);
    expect(back.status).toBe(303);
    expect(back.headers.get('location')).toBe('/console/?signed_in=1');
    const handoff = back.headers.get('set-cookie') ?? '';
    expect(handoff).toMatch(/HttpOnly/);
    expect(handoff).toMatch(/SameSite=Strict/);
    expect(handoff).toMatch(/Max-Age=60/);
    const claimed = await claimSession(env, browser);
    expect(claimed.status).toBe(200);
    expect(claimed.headers.get('set-cookie')).toMatch(/Max-Age=0/);
    const session = (await claimed.json()) as Awaited<ReturnType<typeof signIn>>;
    expect(session).toMatchObject({
      tenant_id: 'acme',
      roles: ['approver'],
      user: { iss: env.provider.issuer, sub: 'alice', name: 'Alice Approver' },
    });
    expect(session.key_id).toMatch(/^oidc_[0-9a-f]{16}$/);

    const who = await fetch(`${env.url}/api/v1/whoami`, { headers: bearer(session.token) });
    await expect(who.json()).resolves.toEqual({
      tenant_id: 'acme',
      key_id: session.key_id,
      roles: ['approver'],
    });

    // A refund the refunds pack holds for a person, approved with the session.
    const held = await fetch(`${env.url}/api/v1/actions/preflight`, {
      method: 'POST',
      headers: bearer(AGENT_KEY),
      body: JSON.stringify(REFUND),
    });
    const decision = (await held.json()) as { decision: string; approval_request_id: string };
    expect(decision.decision).toBe('require_approval');
    const approved = await fetch(`${env.url}/api/v1/approvals/${decision.approval_request_id}/approve`, {
      method: 'POST',
      headers: bearer(session.token),
      body: JSON.stringify({ note: 'checked with the customer' }),
    });
    expect(approved.status).toBe(200);
    await expect(approved.json()).resolves.toMatchObject({ status: 'approved', decided_by: session.key_id });

    const events = (await env.gateway.stores.ledger.list('acme', {})) as Array<{
      type: string;
      data: Record<string, unknown>;
    }>;
    const verdict = events.find((event) => event.type === 'approval.approved');
    expect(verdict?.data.written_by).toEqual({
      key_id: session.key_id,
      roles: ['approver'],
      actor: { iss: env.provider.issuer, sub: 'alice' },
    });
    // The agent's own events name its key and no person.
    const requested = events.find((event) => event.type === 'approval.requested');
    expect(requested?.data.written_by).toEqual({ key_id: 'refund-bot-key', roles: ['agent'] });

    // An approver session is not an admin key.
    const policy = await fetch(`${env.url}/api/v1/policy`, { headers: bearer(session.token) });
    expect((await errorOf(policy)).code).toBe('auth.forbidden');
  });

  it('exports evidence carrying the person that verifies offline in TypeScript and in Python', async () => {
    const session = await signIn(env, 'alice');
    const approvalId = await holdRefund(env.url, 'ord_export');
    await fetch(`${env.url}/api/v1/approvals/${approvalId}/deny`, {
      method: 'POST',
      headers: bearer(session.token),
      body: JSON.stringify({ note: 'not this one' }),
    });
    const exported = await (
      await fetch(`${env.url}/api/v1/evidence/export`, { headers: bearer(ADMIN_KEY) })
    ).json();
    const denial = (
      exported as { events: Array<{ type: string; data: Record<string, unknown> }> }
    ).events.find(
      (event) => event.type === 'approval.denied' && event.data.approval_request_id === approvalId,
    );
    expect(denial?.data.written_by).toMatchObject({ actor: { iss: env.provider.issuer, sub: 'alice' } });
    const jwks = env.gateway.jwks();
    expect(verifyExport(exported, jwks)).toMatchObject({ ok: true });
    if (!existsSync(PYTHON)) throw new Error('python/.venv is missing: run `bash scripts/setup.sh`');
    const script = [
      'import json, sys',
      'from actpass import verify_export',
      'd = json.load(sys.stdin)',
      'print(json.dumps({"ok": verify_export(d["export"], d["jwks"])["ok"]}))',
    ].join('\n');
    const python = spawnSync(PYTHON, ['-c', script], {
      input: JSON.stringify({ export: exported, jwks }),
      encoding: 'utf8',
    });
    expect(python.stderr).toBe('');
    expect(JSON.parse(python.stdout)).toEqual({ ok: true });
  });

  it("records an admin's policy change with their issuer and subject", async () => {
    const session = await signIn(env, 'ada');
    expect(session.roles).toEqual(['admin']);
    const current = await fetch(`${env.url}/api/v1/policy`, { headers: bearer(session.token) });
    const document = (await current.json()) as { policy: Record<string, unknown> };
    const replaced = await fetch(`${env.url}/api/v1/policy`, {
      method: 'PUT',
      headers: bearer(session.token),
      body: JSON.stringify(document.policy ?? document),
    });
    expect(replaced.status, await replaced.clone().text()).toBe(200);
    const events = (await env.gateway.stores.ledger.list('acme', {})) as Array<{
      type: string;
      data: Record<string, unknown>;
    }>;
    const updated = events.filter((event) => event.type === 'policy.updated').at(-1);
    expect(updated?.data.written_by).toMatchObject({ actor: { iss: env.provider.issuer, sub: 'ada' } });
  });

  it('refuses a person whose groups grant no ActPass role, and opens no session', async () => {
    for (const login of ['bob', 'nogroups']) {
      const { browser, callbackUrl } = await signInAtProvider(env, login);
      const back = await browser.request(callbackUrl);
      const refused = await errorOf(back);
      expect(refused.status).toBe(403);
      expect(refused.code).toBe('auth.oidc_no_role');
      expect(refused.message).toContain('"groups" claim');
      expect(refused.message).toContain(APPROVER_GROUP);
      expect(back.headers.get('set-cookie')).toBeNull();
      expect((await errorOf(await claimSession(env, browser))).code).toBe('auth.session_missing');
    }
  });

  it('refuses a bad state, and a callback from a browser that did not start the sign-in', async () => {
    const { browser, callbackUrl } = await signInAtProvider(env, 'alice');
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', 'A'.repeat(43));
    const wrongState = await errorOf(await browser.request(forged.href));
    expect(wrongState).toMatchObject({ status: 400, code: 'auth.oidc_state_mismatch' });
    expect(wrongState.message).toMatch(/start the sign-in again/);

    // The right state, but in another browser (no sign-in cookie): a login-CSRF attempt.
    const elsewhere = await errorOf(await new CookieBrowser().request(callbackUrl));
    expect(elsewhere).toMatchObject({ status: 400, code: 'auth.oidc_state_mismatch' });
  });

  it('says so when the provider refuses the sign-in (the person cancelled), never echoing its text', async () => {
    const browser = new CookieBrowser();
    const start = await browser.request(`${env.url}/api/v1/auth/oidc/login`);
    const state = new URL(start.headers.get('location') ?? '').searchParams.get('state') ?? '';
    const back = new URL(env.redirectUri);
    back.search = new URLSearchParams({
      error: 'access_denied',
      error_description: '<script>alert(1)</script> call +1 555 0100',
      state,
      iss: env.provider.issuer,
    }).toString();
    const refused = await errorOf(await browser.request(back.href));
    expect(refused).toMatchObject({ status: 400, code: 'auth.oidc_provider_error' });
    expect(refused.message).toContain('(access_denied)');
    expect(refused.message).not.toMatch(/script|555/);
  });

  it('refuses a replayed authorization code: the same callback again, and the code under a new sign-in', async () => {
    const { browser, callbackUrl } = await signInAtProvider(env, 'alice');
    expect((await browser.request(callbackUrl)).status).toBe(303);

    // Replayed as is: the browser's cookie now holds the hand-off, not the state.
    const again = await errorOf(await browser.request(callbackUrl));
    expect(again).toMatchObject({ status: 400, code: 'auth.oidc_state_mismatch' });
    // Replayed with the state cookie too: that sign-in is spent.
    const state = new URL(callbackUrl).searchParams.get('state') ?? '';
    const withCookie = new CookieBrowser();
    withCookie.cookies(env.url).set('actpass_signin', state);
    const spent = await errorOf(await withCookie.request(callbackUrl));
    expect(spent).toMatchObject({ status: 400, code: 'auth.oidc_state_mismatch' });
    expect(spent.message).toMatch(/already completed/);

    // A fresh sign-in in the same browser, finished with the spent code: the provider refuses it.
    const fresh = await signInAtProvider(env, 'alice', browser);
    const spliced = new URL(fresh.callbackUrl);
    spliced.searchParams.set('code', new URL(callbackUrl).searchParams.get('code') ?? '');
    const replayed = await errorOf(await browser.request(spliced.href));
    expect(replayed).toMatchObject({ status: 400, code: 'auth.oidc_code_rejected' });
    expect(replayed.message).toMatch(/invalid_grant/);
    expect(replayed.message).toMatch(/already used/);
  });

  it('refuses an ID token for another audience, an expired one and one not signed by the provider', async () => {
    const cases: Array<[string, (claims: Record<string, unknown>) => Record<string, unknown>, RegExp]> = [
      ['wrong audience', (claims) => ({ ...claims, aud: 'some-other-app' }), /audience \(aud\)/],
      [
        'expired',
        (claims) => ({
          ...claims,
          iat: Math.floor(Date.now() / 1000) - 600,
          exp: Math.floor(Date.now() / 1000) - 300,
        }),
        /expired \(exp\)/,
      ],
      ['wrong nonce', (claims) => ({ ...claims, nonce: 'not-the-nonce' }), /nonce/],
      ['wrong issuer', (claims) => ({ ...claims, iss: 'https://evil.example' }), /issuer \(iss\)/],
      ['subject too long', (claims) => ({ ...claims, sub: 'a'.repeat(256) }), /subject \(sub\)/],
      ['subject with a lone surrogate', (claims) => ({ ...claims, sub: 'alice\uD800' }), /not well-formed/],
    ];
    try {
      for (const [name, change, message] of cases) {
        env.tamper.idToken = change;
        const { browser, callbackUrl } = await signInAtProvider(env, 'alice');
        const refused = await errorOf(await browser.request(callbackUrl));
        expect(refused, name).toMatchObject({ status: 401, code: 'auth.oidc_token_invalid' });
        expect(refused.message, name).toMatch(message);
        expect((await errorOf(await claimSession(env, browser))).code, name).toBe('auth.session_missing');
      }
      // Same claims, another key: the signature does not verify with the provider's published keys.
      const { generateKeyPair, SignJWT, decodeJwt } = await import('jose');
      const { privateKey } = await generateKeyPair('RS256');
      env.tamper.idToken = null;
      const original = env.provider.resign;
      env.provider.resign = async (token) =>
        new SignJWT(decodeJwt(token))
          .setProtectedHeader({ alg: 'RS256', kid: 'test-signing-key' })
          .sign(privateKey);
      env.tamper.idToken = (claims) => claims;
      try {
        const { browser, callbackUrl } = await signInAtProvider(env, 'alice');
        const refused = await errorOf(await browser.request(callbackUrl));
        expect(refused).toMatchObject({ status: 401, code: 'auth.oidc_token_invalid' });
        expect(refused.message).toMatch(/signature/);
      } finally {
        env.provider.resign = original;
      }
    } finally {
      env.tamper.idToken = null;
    }
  });

  it('hands the session over once, and only to a page of the gateway’s own origin', async () => {
    const { browser, callbackUrl } = await signInAtProvider(env, 'alice');
    await browser.request(callbackUrl);
    const foreign = await errorOf(await claimSession(env, browser, 'https://evil.example'));
    expect(foreign).toMatchObject({ status: 403, code: 'auth.session_origin' });
    expect((await claimSession(env, browser)).status).toBe(200);
    expect((await errorOf(await claimSession(env, browser))).code).toBe('auth.session_missing');
  });

  it('ends a session on sign-out and at its expiry; an API key cannot sign out', async () => {
    const first = await signIn(env, 'alice');
    const out = await fetch(`${env.url}/api/v1/auth/logout`, {
      method: 'POST',
      headers: bearer(first.token),
    });
    await expect(out.json()).resolves.toEqual({ signed_out: true });
    const after = await errorOf(await fetch(`${env.url}/api/v1/whoami`, { headers: bearer(first.token) }));
    expect(after).toMatchObject({ status: 401, code: 'auth.invalid_key' });
    expect(after.message).toMatch(/sign in again/);

    const second = await signIn(env, 'alice');
    env.clock.offsetMs = 3601 * 1000;
    try {
      const expired = await fetch(`${env.url}/api/v1/whoami`, { headers: bearer(second.token) });
      expect(expired.status).toBe(401);
    } finally {
      env.clock.offsetMs = 0;
    }

    const keyOut = await errorOf(
      await fetch(`${env.url}/api/v1/auth/logout`, { method: 'POST', headers: bearer(AGENT_KEY) }),
    );
    expect(keyOut.status).toBe(403);
  });

  it('keeps API keys working beside sign-in, and a forged session token is refused', async () => {
    const who = await fetch(`${env.url}/api/v1/whoami`, { headers: bearer(AGENT_KEY) });
    await expect(who.json()).resolves.toMatchObject({ key_id: 'refund-bot-key', roles: ['agent'] });
    const forged = await fetch(`${env.url}/api/v1/whoami`, { headers: bearer(`aps_${'x'.repeat(43)}`) });
    expect(forged.status).toBe(401);
  });
});

describe('sign-in configuration', () => {
  const base = {
    tenants: [{ id: 'acme' }],
    apiKeys: [],
    vaultKey: null,
    env: {},
  };
  const oidc = {
    issuer: 'https://id.example.com',
    clientId: 'actpass',
    redirectUri: 'https://actpass.example.com/api/v1/auth/oidc/callback',
    roles: { approver: ['actpass-approvers'] },
  };

  it('is not offered when not configured', async () => {
    const gateway = createGateway(base);
    const providers = await gateway.fetch('http://gateway/api/v1/auth/providers');
    await expect(providers.json()).resolves.toEqual({ items: [] });
    const login = await gateway.fetch('http://gateway/api/v1/auth/oidc/login');
    expect(login.status).toBe(404);
    await expect(login.json()).resolves.toMatchObject({ error: { code: 'auth.oidc_not_configured' } });
  });

  it.each([
    [{ issuer: 'http://id.example.com' }, /config\.oidc\.issuer: must use https/],
    [
      { redirectUri: 'http://actpass.example.com/api/v1/auth/oidc/callback' },
      /config\.oidc\.redirectUri: must use https/,
    ],
    [
      { redirectUri: 'https://actpass.example.com/callback' },
      /config\.oidc\.redirectUri: must end in \/api\/v1\/auth\/oidc\/callback/,
    ],
    [{ roles: { agent: ['bots'] } }, /config\.oidc\.roles\.agent: only approver and admin/],
    [{ roles: { claim: 'groups' } }, /config\.oidc\.roles: grants no role/],
    [{ clientSecretEnv: 'MISSING_SECRET' }, /config\.oidc\.clientSecretEnv: MISSING_SECRET is not set/],
    [{ tenantId: 'globex' }, /config\.oidc\.tenantId: "globex" is not in config\.tenants/],
    [{ sessionTtlSeconds: 7 * 24 * 3600 }, /config\.oidc\.sessionTtlSeconds: must be a whole number/],
    [{ scopes: 'profile email' }, /config\.oidc\.scopes: must be space-separated scopes including openid/],
  ])('refuses %j with the field and the fix', (change, message) => {
    expect(() => createGateway({ ...base, oidc: { ...oidc, ...change } as never })).toThrow(message);
  });

  it('asks which tenant people act in when the gateway serves several', () => {
    expect(() => createGateway({ ...base, tenants: [{ id: 'acme' }, { id: 'globex' }], oidc })).toThrow(
      /config\.oidc\.tenantId: the gateway serves 2 tenants/,
    );
  });

  it('answers 503 naming the issuer when the provider cannot be reached', async () => {
    const gateway = createGateway({
      ...base,
      logger: { error() {} },
      oidc: {
        ...oidc,
        issuer: 'http://127.0.0.1:9',
        redirectUri: 'http://127.0.0.1:8080/api/v1/auth/oidc/callback',
      },
    });
    const login = await gateway.fetch('http://127.0.0.1:8080/api/v1/auth/oidc/login');
    expect(login.status).toBe(503);
    const body = (await login.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('auth.oidc_unavailable');
    expect(body.error.message).toContain('http://127.0.0.1:9/');
  });
});
