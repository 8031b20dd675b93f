export { checkTenantHint, effectiveAgentId, requireRole } from './access.js';
export { AuthError, type AuthErrorCode } from './errors.js';
export {
  type Actor,
  type ApiKeyConfig,
  ApiKeyRegistry,
  hashApiKey,
  type Principal,
  ROLES,
  type Role,
} from './keys.js';
export { actingPrincipal } from './proxy.js';
