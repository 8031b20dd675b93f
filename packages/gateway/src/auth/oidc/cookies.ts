/**
 * The sign-in cookie. HttpOnly always; Secure with the `__Host-` prefix when the gateway is reached
 * over https (only a loopback gateway may run sign-in over plain http, which configuration enforces).
 */
import { SIGN_IN_COOKIE, SIGN_IN_COOKIE_SECURE } from './constants.js';

export interface CookieOptions {
  /** Secure and `__Host-`-prefixed. */
  secure: boolean;
  /**
   * Lax while the browser is away at the provider (the way back is a cross-site navigation, which a
   * Strict cookie would not follow); Strict for the hand-off, which only the console's own page claims.
   */
  sameSite: 'Lax' | 'Strict';
  maxAgeSeconds: number;
}

export function signInCookieName(secure: boolean): string {
  return secure ? SIGN_IN_COOKIE_SECURE : SIGN_IN_COOKIE;
}

export function setSignInCookie(value: string, options: CookieOptions): string {
  const parts = [
    `${signInCookieName(options.secure)}=${value}`,
    'Path=/',
    'HttpOnly',
    `SameSite=${options.sameSite}`,
    `Max-Age=${options.maxAgeSeconds}`,
  ];
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}

export function clearSignInCookie(secure: boolean): string {
  return setSignInCookie('', { secure, sameSite: 'Strict', maxAgeSeconds: 0 });
}

/** The sign-in cookie's value from a `Cookie` header, or null. Values are our own base64url. */
export function readSignInCookie(header: string | null, secure: boolean): string | null {
  if (!header) return null;
  const name = signInCookieName(secure);
  for (const pair of header.split(';')) {
    const at = pair.indexOf('=');
    if (at < 0) continue;
    if (pair.slice(0, at).trim() !== name) continue;
    const value = pair.slice(at + 1).trim();
    return /^[A-Za-z0-9_-]{1,128}$/.test(value) ? value : null;
  }
  return null;
}
