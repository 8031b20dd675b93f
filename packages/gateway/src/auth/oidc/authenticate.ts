/**
 * Who is calling: a person's session token when sign-in is configured and the bearer is one, else an
 * API key. Both arrive the same way (`Authorization: Bearer …`), so every operation's roles apply to
 * people exactly as to keys.
 */
import { AuthError } from '../errors.js';
import type { ApiKeyRegistry, Principal } from '../keys.js';
import { SESSION_TOKEN_PREFIX } from './constants.js';
import type { OidcSignIn } from './sign-in.js';

const BEARER = /^Bearer[ ]+(\S+)[ ]*$/i;

export function authenticateCaller(
  keys: ApiKeyRegistry,
  signIn: OidcSignIn | null,
  authorization: string | null,
): Principal {
  const token = authorization ? BEARER.exec(authorization)?.[1] : undefined;
  if (signIn === null || token === undefined || !token.startsWith(SESSION_TOKEN_PREFIX)) {
    return keys.authenticate(authorization);
  }
  const principal = signIn.authenticate(token);
  if (principal) return principal;
  try {
    // A configured API key may happen to start like a session token.
    return keys.authenticate(authorization);
  } catch {
    throw new AuthError('auth.invalid_key', 'The session has expired or was signed out; sign in again.');
  }
}
