/**
 * The signed-in credential: an API key pasted by hand, or the session token of a person who signed in
 * through the gateway's OpenID provider. Either lives in sessionStorage only (never localStorage, never
 * a cookie the page can read) and is sent as a bearer header.
 */
import { API_PREFIX, SESSION_KEY_STORAGE } from './constants.js';

/** Session tokens the gateway hands out after an OpenID sign-in start with this. */
const SESSION_TOKEN_PREFIX = 'aps_';
/** The gateway sends the browser back here (`/console/?signed_in=1`) once the provider vouched. */
const SIGNED_IN_PARAM = 'signed_in';

export interface SignInProvider {
  id: string;
  name: string;
  login_url: string;
}

export function loadKey(): string | null {
  try {
    return sessionStorage.getItem(SESSION_KEY_STORAGE);
  } catch {
    return null;
  }
}

export function saveKey(key: string): void {
  sessionStorage.setItem(SESSION_KEY_STORAGE, key);
}

/** Forgets the credential; a sign-in session is also ended at the gateway, so the token dies with it. */
export function clearKey(): void {
  const key = loadKey();
  sessionStorage.removeItem(SESSION_KEY_STORAGE);
  if (key?.startsWith(SESSION_TOKEN_PREFIX)) {
    void fetch(`${API_PREFIX}/auth/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      credentials: 'omit',
      cache: 'no-store',
    }).catch(() => undefined);
  }
}

/** The providers the gateway offers for sign-in (none when it has no OpenID provider configured). */
export async function signInProviders(): Promise<SignInProvider[]> {
  try {
    const response = await fetch(`${API_PREFIX}/auth/providers`, { credentials: 'omit', cache: 'no-store' });
    if (!response.ok) return [];
    const body = (await response.json()) as { items?: SignInProvider[] };
    return Array.isArray(body.items) ? body.items : [];
  } catch {
    return [];
  }
}

/** True when the gateway just sent the browser back from the provider. */
export function returnedFromSignIn(): boolean {
  return new URLSearchParams(location.search).has(SIGNED_IN_PARAM);
}

/**
 * Right after the provider sent the browser back: claims the session the gateway holds for this
 * browser (its one-time HttpOnly cookie goes with this same-origin request), and drops the marker from
 * the address bar. Answers the token, or throws with the gateway's message.
 */
export async function claimSignInSession(): Promise<string> {
  history.replaceState(null, '', location.pathname + location.hash);
  const response = await fetch(`${API_PREFIX}/auth/session`, {
    method: 'POST',
    credentials: 'same-origin',
    cache: 'no-store',
  });
  const body = (await response.json().catch(() => ({}))) as {
    token?: unknown;
    error?: { message?: unknown };
  };
  if (response.ok && typeof body.token === 'string') return body.token;
  const message = typeof body.error?.message === 'string' ? body.error.message : `HTTP ${response.status}`;
  throw new Error(`The sign-in could not be completed: ${message}`);
}
