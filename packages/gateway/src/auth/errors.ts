export type AuthErrorCode =
  | 'auth.missing_key'
  | 'auth.invalid_key'
  | 'auth.forbidden'
  | 'auth.tenant_mismatch';

/** Who may do what. The message says what to send instead; it never reveals other tenants. */
export class AuthError extends Error {
  override readonly name = 'AuthError';
  constructor(
    readonly code: AuthErrorCode,
    message: string,
  ) {
    super(message);
  }
}
