/**
 * People's sign-in, start to end: send the browser to the provider with a fresh state, nonce and PKCE
 * verifier; take it back, check the state against the browser's own cookie, redeem the code for a
 * verified ID token, map its claims to roles, open a session; hand the session token to the console
 * once; sign out. It knows nothing of HTTP beyond the cookie and origin values it is given.
 */
import { timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../../crypto/hash.js';
import type { Principal } from '../keys.js';
import type { ResolvedOidcConfig } from './config.js';
import {
  HANDOFF_TTL_MS,
  ISSUER_MAX_CHARS,
  NAME_MAX_CHARS,
  OIDC_LOGIN_PATH,
  PENDING_SIGN_INS_MAX,
  SESSION_TOKEN_PREFIX,
  SESSIONS_MAX,
  SIGN_IN_TTL_MS,
  SIGNED_IN_LANDING,
  SUBJECT_MAX_CHARS,
} from './constants.js';
import { clearSignInCookie, readSignInCookie, setSignInCookie } from './cookies.js';
import { SignInError } from './errors.js';
import { PendingSignIns } from './pending.js';
import { OidcProvider } from './provider.js';
import { mapRoles } from './roles.js';
import { randomToken, type Session, SessionRegistry } from './sessions.js';

/** A browser redirect: where to, and the cookie to set on the way. */
export interface Redirect {
  location: string;
  cookie: string;
}

/** What the console receives when it claims its session. */
export interface ClaimedSession {
  token: string;
  expires_at: string;
  tenant_id: string;
  key_id: string;
  roles: string[];
  user: { iss: string; sub: string; name: string | null };
}

export class OidcSignIn {
  readonly #provider: OidcProvider;
  readonly #pending: PendingSignIns;
  readonly #sessions: SessionRegistry;

  constructor(
    readonly config: ResolvedOidcConfig,
    private readonly nowMs: () => number,
  ) {
    this.#provider = new OidcProvider(config);
    this.#pending = new PendingSignIns(SIGN_IN_TTL_MS, PENDING_SIGN_INS_MAX, nowMs);
    this.#sessions = new SessionRegistry(SESSIONS_MAX, HANDOFF_TTL_MS, nowMs);
  }

  /** How the console offers this sign-in. */
  describe(): { id: 'oidc'; name: string; login_url: string } {
    return { id: 'oidc', name: this.config.name, login_url: OIDC_LOGIN_PATH };
  }

  /** To the provider; the state rides in a Lax cookie so only this browser can finish the sign-in. */
  async start(): Promise<Redirect> {
    const request = { state: randomToken(), nonce: randomToken(), codeVerifier: randomToken() };
    const location = await this.#provider.authorizationUrl(request);
    this.#pending.add(request.state, {
      nonce: request.nonce,
      codeVerifier: request.codeVerifier,
      startedAtMs: this.nowMs(),
    });
    const cookie = setSignInCookie(request.state, {
      secure: this.config.secureCookies,
      sameSite: 'Lax',
      maxAgeSeconds: SIGN_IN_TTL_MS / 1000,
    });
    return { location: location.href, cookie };
  }

  /** Back from the provider: the raw query string of the callback and the browser's Cookie header. */
  async finish(query: string, cookieHeader: string | null): Promise<Redirect> {
    const state = new URLSearchParams(query).get('state');
    const expected = readSignInCookie(cookieHeader, this.config.secureCookies);
    if (!state || !expected || !sameText(state, expected)) {
      throw new SignInError(
        'auth.oidc_state_mismatch',
        "The sign-in's state does not match the one this browser started (or its cookie is missing); start the sign-in again from the console.",
      );
    }
    const pending = this.#pending.take(state);
    if (!pending) {
      throw new SignInError(
        'auth.oidc_state_mismatch',
        'This sign-in was already completed, or was started more than 10 minutes ago; start it again from the console.',
      );
    }
    const claims = await this.#provider.redeem(query, { state, ...pending });
    const session = this.#sessionFor(claims);
    const handoff = this.#sessions.open(session);
    const cookie = setSignInCookie(handoff, {
      secure: this.config.secureCookies,
      sameSite: 'Strict',
      maxAgeSeconds: HANDOFF_TTL_MS / 1000,
    });
    return { location: SIGNED_IN_LANDING, cookie };
  }

  /**
   * The console's page claims its session token, once: only from the gateway's own origin (a page
   * elsewhere cannot, even if a browser sent the cookie), and the cookie is cleared in the answer.
   */
  claim(cookieHeader: string | null, origin: string | null): { session: ClaimedSession; cookie: string } {
    if (origin !== this.config.redirectUri.origin) {
      throw new SignInError(
        'auth.session_origin',
        `A session can only be claimed by the console served at ${this.config.redirectUri.origin}; open the console there.`,
      );
    }
    const handoff = readSignInCookie(cookieHeader, this.config.secureCookies);
    const claimed = handoff ? this.#sessions.claim(handoff) : undefined;
    if (!claimed) {
      throw new SignInError(
        'auth.session_missing',
        'No sign-in is waiting to be claimed here (it was claimed already or is more than a minute old); sign in again.',
      );
    }
    const { token, session } = claimed;
    return {
      session: {
        token,
        expires_at: new Date(session.expiresAtMs).toISOString(),
        tenant_id: session.tenantId,
        key_id: session.keyId,
        roles: [...session.roles],
        user: { iss: session.actor.iss, sub: session.actor.sub, name: session.name },
      },
      cookie: clearSignInCookie(this.config.secureCookies),
    };
  }

  /** The principal of a live session token, or undefined when the token is not one. */
  authenticate(token: string): Principal | undefined {
    if (!token.startsWith(SESSION_TOKEN_PREFIX)) return undefined;
    const session = this.#sessions.find(token);
    return session ? this.#sessions.principal(session) : undefined;
  }

  signOut(token: string): boolean {
    return this.#sessions.close(token);
  }

  #sessionFor(claims: Record<string, unknown>): Session {
    const { iss, sub } = claims;
    if (typeof iss !== 'string' || iss.length === 0 || iss.length > ISSUER_MAX_CHARS) {
      throw new SignInError(
        'auth.oidc_token_invalid',
        `The ID token was refused: its issuer (iss) is missing or longer than ${ISSUER_MAX_CHARS} characters.`,
      );
    }
    if (typeof sub !== 'string' || sub.length === 0 || sub.length > SUBJECT_MAX_CHARS) {
      throw new SignInError(
        'auth.oidc_token_invalid',
        `The ID token was refused: its subject (sub) is missing or longer than ${SUBJECT_MAX_CHARS} characters.`,
      );
    }
    // Both go into the ledger, whose canonical form has no place for half a character.
    if (LONE_SURROGATE.test(iss) || LONE_SURROGATE.test(sub)) {
      throw new SignInError(
        'auth.oidc_token_invalid',
        'The ID token was refused: its issuer or subject is not well-formed Unicode (a lone surrogate).',
      );
    }
    const roles = mapRoles(claims, this.config.roles);
    if (roles.length === 0) {
      const { claim, values } = this.config.roles;
      const granting = [...(values.approver ?? []), ...(values.admin ?? [])].join(', ');
      throw new SignInError(
        'auth.oidc_no_role',
        `Signed in at the provider, but the "${claim}" claim holds none of the values that grant an ActPass role (${granting}); ask an administrator to add you to one of them.`,
      );
    }
    return {
      tenantId: this.config.tenantId,
      roles,
      actor: { iss, sub },
      name: displayName(claims),
      // Stable per person and non-secret: shown as `decided_by`, keys idempotency records.
      keyId: `oidc_${sha256Hex(`${iss}\n${sub}`).slice(0, 16)}`,
      expiresAtMs: this.nowMs() + this.config.sessionTtlMs,
    };
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function displayName(claims: Record<string, unknown>): string | null {
  for (const member of ['name', 'preferred_username', 'email']) {
    const value = claims[member];
    if (typeof value === 'string' && value.length > 0) return [...value].slice(0, NAME_MAX_CHARS).join('');
  }
  return null;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
