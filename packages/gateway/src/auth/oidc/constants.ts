/** Every default of people's sign-in in one place. */

/** Where a browser starts and ends a sign-in, and where the console claims its session. */
export const OIDC_LOGIN_PATH = '/api/v1/auth/oidc/login';
export const OIDC_CALLBACK_PATH = '/api/v1/auth/oidc/callback';
export const SESSION_CLAIM_PATH = '/api/v1/auth/session';
/** Where the browser lands once signed in: the console claims its session there. */
export const SIGNED_IN_LANDING = '/console/?signed_in=1';

/** Scopes asked for when the configuration names none. */
export const DEFAULT_SCOPES = 'openid profile email';
/** The claim roles are read from when the configuration names none. */
export const DEFAULT_ROLE_CLAIM = 'groups';

/** How long a person's session lasts from sign-in, unless configured (8 hours: one working day). */
export const SESSION_TTL_DEFAULT_SECONDS = 8 * 60 * 60;
/** The longest session the configuration may ask for (24 hours). */
export const SESSION_TTL_MAX_SECONDS = 24 * 60 * 60;
/** Sessions held at once per process; past it the oldest is ended first. */
export const SESSIONS_MAX = 10_000;
/** A started sign-in must come back from the provider within this (10 minutes). */
export const SIGN_IN_TTL_MS = 10 * 60 * 1000;
/** Sign-ins started and not yet finished, per process; past it the oldest is forgotten. */
export const PENDING_SIGN_INS_MAX = 1000;
/** The console claims its session token this soon after the provider sent the browser back. */
export const HANDOFF_TTL_MS = 60 * 1000;

/** Session tokens carry this prefix, so the gateway knows to look them up among sessions. */
export const SESSION_TOKEN_PREFIX = 'aps_';
/** Random bytes in every session token, state, nonce and hand-off value. */
export const SIGN_IN_RANDOM_BYTES = 32;
/** The one cookie of a sign-in: the state while at the provider, then the hand-off to the console. */
export const SIGN_IN_COOKIE = 'actpass_signin';
/** The same cookie on an https gateway: the `__Host-` prefix pins it to this host and path `/`. */
export const SIGN_IN_COOKIE_SECURE = `__Host-${SIGN_IN_COOKIE}`;

/** Bounds on what an ID token may carry into a session and the ledger. */
export const SUBJECT_MAX_CHARS = 255;
export const ISSUER_MAX_CHARS = 2048;
export const NAME_MAX_CHARS = 200;
/** Discovery, token and key requests to the provider give up after this many seconds. */
export const PROVIDER_TIMEOUT_SECONDS = 10;
