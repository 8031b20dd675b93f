import type { SpanExporter } from '@actpass/edge/tracing';
import type { ApiKeyConfig } from '../auth/index.js';
import type { OidcConfig } from '../auth/oidc/index.js';
import type { SessionLabelStore } from '../flow/index.js';
import type { WebhooksConfig } from '../notifications/index.js';
import type { Keyset } from '../passport/index.js';
import type { GatewayStores } from '../store/types.js';

export interface TenantConfig {
  id: string;
  /**
   * The policy to put in force when the tenant has none in the policy store yet: a policy object, or
   * the name of a shipped pack (`"refunds"`). Without one the tenant denies everything.
   */
  policy?: unknown;
  /**
   * Run-time flow control: the tenant's own classification of tools, tool-name globs to flow labels
   * (`private_data`, `untrusted_content`, `external_comm`), e.g. `{"crm.contacts.*": ["private_data"]}`.
   */
  flow?: { tools?: Record<string, string[]> };
}

export interface GatewayLogger {
  error(message: string, fields?: Record<string, unknown>): void;
}

/** One request, as the gateway answered it (see `formatRequestLog`). */
export interface RequestLogEntry {
  /** ISO 8601, when the request arrived. */
  time: string;
  request_id: string;
  /** The API key's id (its configured name or a digest prefix); null when no key was accepted. */
  key_id: string | null;
  tenant_id: string | null;
  method: string;
  path: string;
  status: number;
  /** The decision of a preflight; null for other operations and for errors. */
  decision: string | null;
  /** The decision's reason code, or the error's code. */
  reason: string | null;
  ms: number;
}

export interface GatewayConfig {
  tenants: TenantConfig[];
  apiKeys: ApiKeyConfig[];
  /**
   * People sign in to the console and the approver/admin API through this OpenID provider
   * (authorization code with PKCE); roles come from a configured claim. API keys keep working.
   */
  oidc?: OidcConfig;
  /** Signs passports and evidence exports. A fresh in-memory keyset when absent. */
  keyset?: Keyset;
  /** Any subset; the rest are in-memory. */
  stores?: Partial<GatewayStores>;
  /**
   * Where sessions' flow labels are kept (in memory when absent): `FileSessionLabelStore` beside file
   * stores, `PostgresSessionLabelStore` when several processes share a database.
   */
  sessionLabels?: SessionLabelStore;
  /** `iss` of passports this gateway issues and accepts. Default `actpass-gateway`. */
  issuer?: string;
  /** When set, a passport presented at preflight must carry one of these audiences. */
  passportAudiences?: string[];
  /**
   * The vault's key-encryption key, base64 of 32 bytes. Undefined reads `ACTPASS_VAULT_KEY`; null
   * means "no key" whatever the environment says (the vault then refuses to store secrets).
   */
  vaultKey?: string | null;
  /** Epoch milliseconds; injected by tests to move time. */
  clock?: () => number;
  /** Where `ACTPASS_VAULT_KEY` is read from; defaults to `process.env`. */
  env?: Record<string, string | undefined>;
  approvalTtlSeconds?: number;
  maxBodyBytes?: number;
  /** Unexpected errors (500s) are reported here; defaults to stderr. */
  logger?: GatewayLogger;
  /**
   * The browser console at /console: on by default from the files bundled with the gateway;
   * `{ assetsDir }` serves another build of it; false turns it off (/console is then a 404).
   */
  console?: false | { assetsDir?: string };
  /** Told of every request once its response is ready (`actpass dev` prints one line each). */
  onRequest?: (entry: RequestLogEntry) => void;
  /**
   * Count requests, decisions, preflight stage times and ledger appends for `gateway.metrics()`
   * (Prometheus text). Off by default: nothing is measured, so it costs nothing.
   */
  metrics?: boolean;
  /**
   * Where spans go: one per HTTP request (parented by the caller's W3C `traceparent`) with a child per
   * preflight stage. Off when absent; e.g. `new OtlpHttpExporter({url, serviceName})` from
   * `@actpass/edge/tracing`, or `exporterFromEnv(process.env, …)` for the standard OTEL_* variables.
   */
  tracing?: SpanExporter;
  /**
   * Webhooks: endpoints from configuration (more come through the admin API), the console's public URL
   * for links in messages, and delivery timing. Delivery runs off the decision path; see
   * docs/notifications.md.
   */
  webhooks?: WebhooksConfig;
}
