/**
 * A real OpenID provider on loopback (the `oidc-provider` package), for sign-in tests. It has one
 * confidential client (the gateway), the users the test gives with their `groups`, a login page of its
 * own (a form with a user name: no password, this is a test provider), and it signs ID tokens with an
 * RSA key the test holds, so a test can also mint a token the provider "sent" with one claim changed.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import Provider from 'oidc-provider';

export interface TestUser {
  name?: string;
  email?: string;
  groups?: string[];
}

export interface LocalProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Re-signs an ID token with the provider's key after changing its claims. */
  resign(idToken: string, change: (claims: JWTPayload) => JWTPayload): Promise<string>;
  close(): Promise<void>;
}

export const CLIENT_ID = 'actpass-console';
export const CLIENT_SECRET = 'test-client-secret-0123456789abcdef';

export async function startProvider(options: {
  redirectUri: string;
  users: Record<string, TestUser>;
}): Promise<LocalProvider> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: 'test-signing-key', alg: 'RS256', use: 'sig' };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [options.redirectUri],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [jwk] },
    pkce: { methods: ['S256'], required: () => true },
    claims: { openid: ['sub'], profile: ['name'], email: ['email'], groups: ['groups'] },
    // The groups claim in the ID token itself, as providers are configured to send it for sign-in.
    conformIdTokenClaims: false,
    findAccount: async (_ctx: unknown, id: string) => {
      const user = options.users[id];
      if (!user) return undefined;
      return { accountId: id, claims: async () => ({ sub: id, ...user }) };
    },
    interactions: { url: (_ctx: unknown, interaction: { uid: string }) => `/interaction/${interaction.uid}` },
    features: { devInteractions: { enabled: false } },
    cookies: { keys: ['local-provider-cookie-key'] },
    ttl: {
      AccessToken: 600,
      AuthorizationCode: 60,
      Grant: 600,
      IdToken: 600,
      Interaction: 600,
      Session: 600,
    },
  } as never);
  const callback = provider.callback();

  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const match = /^\/interaction\/([A-Za-z0-9_-]+)(\/login)?$/.exec(req.url ?? '');
    if (!match) {
      callback(req, res);
      return;
    }
    void interact(provider, req, res, match[2] !== undefined).catch((error: Error) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`interaction failed: ${error.message}`);
    });
  });

  return {
    issuer,
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    async resign(idToken, change) {
      const header = decodeProtectedHeader(idToken);
      return new SignJWT(change(decodeJwt(idToken)))
        .setProtectedHeader({
          alg: header.alg as string,
          kid: header.kid as string,
          typ: header.typ as string | undefined,
        })
        .sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The provider's own login page: a user name and a button; submitting it grants the asked scopes. */
// biome-ignore lint/suspicious/noExplicitAny: oidc-provider 8 ships no types
async function interact(provider: any, req: IncomingMessage, res: ServerResponse, submit: boolean) {
  const details = await provider.interactionDetails(req, res);
  if (!submit) {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!doctype html><title>Local provider sign-in</title><h1>Local provider</h1>` +
        `<form method="post" action="/interaction/${details.uid}/login">` +
        `<label>User name <input name="login" autocomplete="off"></label>` +
        `<button type="submit">Continue</button></form>`,
    );
    return;
  }
  const body = await new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => resolve(text));
  });
  const accountId = new URLSearchParams(body).get('login') ?? '';
  const grant = new provider.Grant({ accountId, clientId: details.params.client_id as string });
  grant.addOIDCScope(String(details.params.scope));
  const grantId = await grant.save();
  await provider.interactionFinished(
    req,
    res,
    { login: { accountId }, consent: { grantId } },
    {
      mergeWithLastSubmission: false,
    },
  );
}
