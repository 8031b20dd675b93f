/**
 * Where the SDK reports what happened. Every method is optional. Fields never carry secrets: the API
 * key, credential values and passport tokens are redacted before a logger sees them.
 */
export interface Logger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}
