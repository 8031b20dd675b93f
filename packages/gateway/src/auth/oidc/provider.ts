/**
 * The OpenID provider as the gateway sees it, through openid-client (which does discovery, PKCE, and
 * the ID token's checks: signature against the provider's published keys, issuer, audience, expiry,
 * nonce and state). Its failures become `SignInError`s that say which check failed and what to do.
 */
import * as client from 'openid-client';
import type { ResolvedOidcConfig } from './config.js';
import { PROVIDER_TIMEOUT_SECONDS } from './constants.js';
import { SignInError } from './errors.js';

export interface AuthorizationRequest {
  state: string;
  nonce: string;
  codeVerifier: string;
}

export class OidcProvider {
  #discovered: Promise<client.Configuration> | undefined;

  constructor(private readonly config: ResolvedOidcConfig) {}

  /** Discovery runs once and is kept; a failure is retried by the next sign-in. */
  #configuration(): Promise<client.Configuration> {
    this.#discovered ??= this.#discover();
    this.#discovered.catch(() => {
      this.#discovered = undefined;
    });
    return this.#discovered;
  }

  async #discover(): Promise<client.Configuration> {
    const { config } = this;
    try {
      const auth = config.clientSecret ? client.ClientSecretBasic(config.clientSecret) : client.None();
      const discovered = await client.discovery(config.issuer, config.clientId, undefined, auth, {
        timeout: PROVIDER_TIMEOUT_SECONDS,
        // The ID token's signature is checked against the provider's published keys (jwks_uri) even
        // though it came straight from the token endpoint, where OpenID Connect would let TLS suffice.
        execute: [
          client.enableNonRepudiationChecks,
          ...(config.loopbackProvider ? [client.allowInsecureRequests] : []),
        ],
        ...(config.fetch ? { [client.customFetch]: config.fetch as client.CustomFetch } : {}),
      });
      return discovered;
    } catch (error) {
      throw new SignInError(
        'auth.oidc_unavailable',
        `The OpenID provider at ${config.issuer.href} could not be read (${describe(error)}); check config.oidc.issuer and that the provider is reachable, then sign in again.`,
      );
    }
  }

  /** Where to send the browser: the provider's authorization endpoint with PKCE (S256), state and nonce. */
  async authorizationUrl(request: AuthorizationRequest): Promise<URL> {
    const configuration = await this.#configuration();
    return client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.redirectUri.href,
      scope: this.config.scopes,
      response_type: 'code',
      code_challenge: await client.calculatePKCECodeChallenge(request.codeVerifier),
      code_challenge_method: 'S256',
      state: request.state,
      nonce: request.nonce,
    });
  }

  /** Exchanges the code that came back for a verified ID token; answers its claims. */
  async redeem(query: string, request: AuthorizationRequest): Promise<Record<string, unknown>> {
    const configuration = await this.#configuration();
    const current = new URL(this.config.redirectUri.href);
    current.search = query;
    try {
      const tokens = await client.authorizationCodeGrant(configuration, current, {
        pkceCodeVerifier: request.codeVerifier,
        expectedState: request.state,
        expectedNonce: request.nonce,
        idTokenExpected: true,
      });
      const claims = tokens.claims();
      if (!claims)
        throw new SignInError(
          'auth.oidc_token_invalid',
          'The provider sent no ID token; the scopes must include openid.',
        );
      return claims as Record<string, unknown>;
    } catch (error) {
      throw refusal(error, this.config);
    }
  }
}

const CLAIM_FIXES: Record<string, string> = {
  aud: "its audience (aud) is not this gateway's client id; check config.oidc.clientId against the provider's client",
  iss: "its issuer (iss) is not the configured provider's; check config.oidc.issuer",
  nonce: 'its nonce does not match the one this sign-in sent; start the sign-in again',
  azp: "its authorized party (azp) is not this gateway's client id",
  exp: "it has expired (exp); check that the gateway's and the provider's clocks agree, then sign in again",
  iat: 'it was issued too long ago (iat); sign in again',
  nbf: 'it is not valid yet (nbf); check the clocks',
};

function refusal(error: unknown, config: ResolvedOidcConfig): SignInError {
  if (error instanceof SignInError) return error;
  if (error instanceof client.AuthorizationResponseError) {
    return new SignInError(
      'auth.oidc_provider_error',
      `The provider refused the sign-in (${safeCode(error.error)}); try again or ask its administrator.`,
    );
  }
  if (error instanceof client.ResponseBodyError) {
    return new SignInError(
      'auth.oidc_code_rejected',
      `The provider refused the authorization code (${safeCode(error.error)}): it was already used, has expired, or belongs to another sign-in. Sign in again.`,
    );
  }
  const claim = findClaim(error);
  if (claim && CLAIM_FIXES[claim]) {
    return new SignInError('auth.oidc_token_invalid', `The ID token was refused: ${CLAIM_FIXES[claim]}.`);
  }
  const code = (error as { code?: unknown })?.code;
  if (code === 'OAUTH_INVALID_RESPONSE' || code === 'OAUTH_KEY_SELECTION_FAILED') {
    return new SignInError(
      'auth.oidc_token_invalid',
      "The ID token was refused: its signature does not verify with the provider's published keys.",
    );
  }
  if (code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') {
    return new SignInError(
      'auth.oidc_state_mismatch',
      'The sign-in response does not match the sign-in this browser started; start again.',
    );
  }
  return new SignInError(
    'auth.oidc_unavailable',
    `The sign-in could not be completed with the provider at ${config.issuer.href} (${describe(error)}); try again.`,
  );
}

/** The claim a failed check was about, wherever openid-client put it in the cause chain. */
function findClaim(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current; depth += 1) {
    const claim = (current as { claim?: unknown }).claim;
    if (typeof claim === 'string') return claim;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** An OAuth error code as the provider sent it, only if it looks like one (never free text). */
function safeCode(code: unknown): string {
  return typeof code === 'string' && /^[a-z_]{1,64}$/.test(code) ? code : 'unknown error';
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown })?.code;
  if (typeof code === 'string' && /^[A-Z_]{1,64}$/.test(code)) return code;
  return error instanceof Error ? error.name : 'error';
}
