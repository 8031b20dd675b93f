/**
 * A gateway with people's sign-in configured against the local provider, on loopback, and a small
 * browser stand-in for HTTP-level tests: it keeps each origin's cookies and follows redirects one at a
 * time, so a test can stop at any step of the sign-in and change what a browser would send.
 */
import { createServer } from 'node:net';
import type { JWTPayload } from 'jose';
import { createGateway, type Gateway, type RunningServer } from '../../../src/index.js';
import { CLIENT_ID, type LocalProvider, startProvider, type TestUser } from './local-provider.js';

export const AGENT_KEY = 'agent-key-for-sign-in-tests-0123456789';
export const ADMIN_KEY = 'admin-key-for-sign-in-tests-0123456789';
export const APPROVER_GROUP = 'actpass-approvers';
export const ADMIN_GROUP = 'actpass-admins';
export const CALLBACK_PATH = '/api/v1/auth/oidc/callback';

export interface SignInGateway {
  url: string;
  redirectUri: string;
  provider: LocalProvider;
  gateway: Gateway;
  /** Set to change the claims of the next ID tokens the provider sends (re-signed with its key). */
  tamper: { idToken: ((claims: JWTPayload) => JWTPayload) | null };
  /** Moves the gateway's clock (sessions expire by it). */
  clock: { offsetMs: number };
  close(): Promise<void>;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export async function startSignInGateway(
  users: Record<string, TestUser>,
  options: { sessionTtlSeconds?: number; console?: false } = {},
): Promise<SignInGateway> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const redirectUri = `${url}${CALLBACK_PATH}`;
  const provider = await startProvider({ redirectUri, users });
  const tamper: SignInGateway['tamper'] = { idToken: null };
  const clock = { offsetMs: 0 };
  // The gateway's requests to the provider, with the token answer's ID token changed when asked.
  const providerFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const response = await fetch(input, init);
    const change = tamper.idToken;
    if (!change || !String(input instanceof Request ? input.url : input).endsWith('/token')) return response;
    const body = (await response.json()) as { id_token?: string };
    if (body.id_token) body.id_token = await provider.resign(body.id_token, change);
    return new Response(JSON.stringify(body), {
      status: response.status,
      headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
    });
  };
  const gateway = createGateway({
    tenants: [{ id: 'acme', policy: 'refunds' }],
    apiKeys: [
      { key: AGENT_KEY, tenantId: 'acme', roles: ['agent'], name: 'refund-bot-key' },
      { key: ADMIN_KEY, tenantId: 'acme', roles: ['admin'], name: 'admin-key' },
    ],
    vaultKey: null,
    env: { ACTPASS_OIDC_CLIENT_SECRET: provider.clientSecret },
    clock: () => Date.now() + clock.offsetMs,
    logger: { error() {} },
    ...(options.console === false ? { console: false as const } : {}),
    oidc: {
      issuer: provider.issuer,
      clientId: CLIENT_ID,
      redirectUri,
      name: 'Local SSO',
      scopes: 'openid profile email groups',
      roles: { claim: 'groups', approver: [APPROVER_GROUP], admin: [ADMIN_GROUP] },
      fetch: providerFetch as typeof fetch,
      ...(options.sessionTtlSeconds ? { sessionTtlSeconds: options.sessionTtlSeconds } : {}),
    },
  });
  const server: RunningServer = await gateway.listen({ host: '127.0.0.1', port });
  return {
    url,
    redirectUri,
    provider,
    gateway,
    tamper,
    clock,
    async close() {
      await server.close();
      await gateway.close();
      await provider.close();
    },
  };
}

/** A browser stand-in: per-origin cookies, redirects followed one step at a time. */
export class CookieBrowser {
  readonly #jars = new Map<string, Map<string, string>>();

  cookies(origin: string): Map<string, string> {
    let jar = this.#jars.get(origin);
    if (!jar) {
      jar = new Map();
      this.#jars.set(origin, jar);
    }
    return jar;
  }

  async request(url: string, init: RequestInit = {}): Promise<Response> {
    const { origin } = new URL(url);
    const jar = this.cookies(origin);
    const headers = new Headers(init.headers);
    if (jar.size > 0) headers.set('cookie', [...jar].map(([name, value]) => `${name}=${value}`).join('; '));
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair = ''] = line.split(';');
      const at = pair.indexOf('=');
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/max-age=0\b/i.test(line) || value === '') jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  /** Follows redirects from `url` until the next location satisfies `stop`; answers that location unvisited. */
  async follow(url: string, stop: (next: string) => boolean): Promise<string> {
    let next = url;
    for (let hops = 0; hops < 10; hops += 1) {
      if (stop(next)) return next;
      const response = await this.request(next);
      const location = response.headers.get('location');
      if (!location) throw new Error(`no redirect from ${next}: ${response.status} ${await response.text()}`);
      next = new URL(location, next).href;
    }
    throw new Error(`too many redirects from ${url}`);
  }
}

/**
 * A person signs in at the provider as `login`, up to the moment the provider sends the browser back:
 * answers the callback URL (not yet visited) and the browser holding the gateway's state cookie.
 */
export async function signInAtProvider(
  env: SignInGateway,
  login: string,
  browser = new CookieBrowser(),
): Promise<{ browser: CookieBrowser; callbackUrl: string }> {
  const interaction = await browser.follow(
    `${env.url}/api/v1/auth/oidc/login`,
    (next) => next.startsWith(`${env.provider.issuer}/interaction/`) || next.startsWith(env.redirectUri),
  );
  // Still signed in at the provider (an earlier sign-in in this browser): it sends the browser straight back.
  if (interaction.startsWith(env.redirectUri)) return { browser, callbackUrl: interaction };
  const page = await browser.request(interaction);
  if (page.status !== 200) throw new Error(`provider login page: ${page.status} ${await page.text()}`);
  const submitted = await browser.request(`${interaction}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ login }).toString(),
  });
  const resume = new URL(submitted.headers.get('location') ?? '', env.provider.issuer).href;
  const callbackUrl = await browser.follow(resume, (next) => next.startsWith(env.redirectUri));
  return { browser, callbackUrl };
}

/** The console's claim of its session, as its page makes it (same origin). */
export function claimSession(
  env: SignInGateway,
  browser: CookieBrowser,
  origin = env.url,
): Promise<Response> {
  return browser.request(`${env.url}/api/v1/auth/session`, { method: 'POST', headers: { origin } });
}

/** The whole sign-in over HTTP: answers the session the console would hold. */
export async function signIn(env: SignInGateway, login: string) {
  const { browser, callbackUrl } = await signInAtProvider(env, login);
  const back = await browser.request(callbackUrl);
  if (back.status !== 303) throw new Error(`callback: ${back.status} ${await back.text()}`);
  const claimed = await claimSession(env, browser);
  if (claimed.status !== 200) throw new Error(`claim: ${claimed.status} ${await claimed.text()}`);
  return (await claimed.json()) as {
    token: string;
    key_id: string;
    roles: string[];
    expires_at: string;
    user: { iss: string; sub: string; name: string | null };
  };
}
