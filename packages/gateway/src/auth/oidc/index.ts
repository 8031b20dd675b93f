export { authenticateCaller } from './authenticate.js';
export {
  isLoopbackUrl,
  OIDC_CLIENT_SECRET_ENV,
  type OidcConfig,
  oidcConfigProblems,
  type ResolvedOidcConfig,
  resolveOidcConfig,
} from './config.js';
export { OIDC_CALLBACK_PATH, OIDC_LOGIN_PATH, SESSION_CLAIM_PATH } from './constants.js';
export { SignInError, type SignInErrorCode } from './errors.js';
export { claimValues, mapRoles, PERSON_ROLES, type PersonRole, type RoleMapping } from './roles.js';
export { type ClaimedSession, OidcSignIn, type Redirect } from './sign-in.js';
