export { buildServices, type GatewayServices } from './services.js';
export type { GatewayConfig, GatewayLogger, RequestLogEntry, TenantConfig } from './types.js';
export { GatewayConfigError, validateConfig } from './validate.js';
