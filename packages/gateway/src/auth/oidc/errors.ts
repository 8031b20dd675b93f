export type SignInErrorCode =
  | 'auth.oidc_not_configured'
  | 'auth.oidc_unavailable'
  | 'auth.oidc_state_mismatch'
  | 'auth.oidc_provider_error'
  | 'auth.oidc_code_rejected'
  | 'auth.oidc_token_invalid'
  | 'auth.oidc_no_role'
  | 'auth.session_missing'
  | 'auth.session_origin';

const STATUS: Record<SignInErrorCode, number> = {
  'auth.oidc_not_configured': 404,
  'auth.oidc_unavailable': 503,
  'auth.oidc_state_mismatch': 400,
  'auth.oidc_provider_error': 400,
  'auth.oidc_code_rejected': 400,
  'auth.oidc_token_invalid': 401,
  'auth.oidc_no_role': 403,
  'auth.session_missing': 401,
  'auth.session_origin': 403,
};

/** A refused sign-in: the code is stable, the message says what went wrong and what to do. */
export class SignInError extends Error {
  override readonly name = 'SignInError';
  readonly status: number;
  constructor(
    readonly code: SignInErrorCode,
    message: string,
  ) {
    super(message);
    this.status = STATUS[code];
  }
}
