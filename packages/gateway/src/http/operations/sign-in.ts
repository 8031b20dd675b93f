/**
 * People's sign-in over HTTP: which providers the console may offer, the browser's trip to the
 * provider and back (redirects with the one sign-in cookie), the console's claim of its session, and
 * signing out. The sign-in concept (auth/oidc) decides everything; this only translates.
 */
import { type OidcSignIn, SignInError } from '../../auth/oidc/index.js';
import { HttpError } from '../errors.js';
import { caller, type OperationContext, type OperationSpec } from '../types.js';

function signInOf(context: OperationContext): OidcSignIn {
  const { signIn } = context.services;
  if (!signIn) {
    throw new SignInError(
      'auth.oidc_not_configured',
      'Sign-in through an OpenID provider is not configured on this gateway; sign in with an API key, or configure oidc (docs/sign-in.md).',
    );
  }
  return signIn;
}

export const listSignInProviders: OperationSpec = {
  roles: null,
  async run(context) {
    const { signIn } = context.services;
    return { status: 200, body: { items: signIn ? [signIn.describe()] : [] } };
  },
};

export const startOidcSignIn: OperationSpec = {
  roles: null,
  async run(context) {
    const { location, cookie } = await signInOf(context).start();
    return { status: 302, body: { location }, headers: { location, 'set-cookie': cookie } };
  },
};

export const finishOidcSignIn: OperationSpec = {
  roles: null,
  async run(context) {
    const query = new URLSearchParams(context.query as Record<string, string>).toString();
    const { location, cookie } = await signInOf(context).finish(query, context.header('cookie'));
    return { status: 303, body: { location }, headers: { location, 'set-cookie': cookie } };
  },
};

export const claimSession: OperationSpec = {
  roles: null,
  async run(context) {
    const { session, cookie } = signInOf(context).claim(context.header('cookie'), context.header('origin'));
    return { status: 200, body: session, headers: { 'set-cookie': cookie } };
  },
};

export const signOut: OperationSpec = {
  roles: ['approver', 'admin'],
  async run(context) {
    const principal = caller(context);
    if (!principal.actor) {
      throw new HttpError(
        400,
        'request.invalid',
        'Authorization: this is an API key, not a sign-in session; a key is withdrawn by removing it from the configuration.',
      );
    }
    const token = /^Bearer[ ]+(\S+)/i.exec(context.header('authorization') ?? '')?.[1] ?? '';
    return { status: 200, body: { signed_out: signInOf(context).signOut(token) } };
  },
};
