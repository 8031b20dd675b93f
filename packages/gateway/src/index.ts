/**
 * @actpass/gateway: the embedded reference gateway. `createGateway(config)` gives a web-standard
 * `fetch` handler (so `new ActPass({ fetch: gateway.fetch })` runs fully in-process) and `listen()`
 * to serve the same handler on node:http.
 */

import { buildServices, type GatewayConfig, type GatewayServices } from './config/index.js';
import { withConsole } from './console/index.js';
import {
  type FetchHandler,
  fetchAdapter,
  type ListenOptions,
  listenAdapter,
  type RunningServer,
} from './http/adapters.js';
import { createHandler, type GatewayHandler } from './http/handler.js';
import type { Jwks, Keyset } from './passport/index.js';
import type { GatewayStores } from './store/types.js';

export interface Gateway {
  /** Web-standard handler with the signature of `fetch`; safe to pass around unbound. */
  fetch: FetchHandler;
  /** Serves the gateway on node:http (keep-alive). Port 0 picks a free port. */
  listen(options?: ListenOptions): Promise<RunningServer>;
  /** The transport-neutral handler both doors use. */
  handle: GatewayHandler;
  keyset: Keyset;
  stores: GatewayStores;
  jwks(): Jwks;
  /** The Prometheus text exposition, or null when the gateway was created without `metrics: true`. */
  metrics(): string | null;
  /** Closes every server started by `listen` and every store that holds files open. */
  close(): Promise<void>;
}

export function createGateway(config: GatewayConfig): Gateway {
  const services: GatewayServices = buildServices(config);
  const handle = withConsole(createHandler(services), config.console);
  const servers = new Set<RunningServer>();
  return {
    fetch: fetchAdapter(handle),
    handle,
    keyset: services.keyset,
    stores: services.stores,
    jwks: () => services.keyset.jwks(),
    metrics: () => services.metrics?.render() ?? null,
    async listen(options = {}) {
      const running = await listenAdapter(handle, options);
      servers.add(running);
      const close = running.close;
      return {
        ...running,
        close: async () => {
          servers.delete(running);
          await close();
        },
      };
    },
    async close() {
      services.notifications.close();
      await Promise.all([...servers].map((server) => server.close()));
      servers.clear();
      for (const store of Object.values(services.stores)) {
        const closable = store as { close?: () => Promise<void> };
        if (typeof closable.close === 'function') await closable.close();
      }
      await (config.sessionLabels as { close?: () => Promise<void> } | undefined)?.close?.();
      // An aggregate passed as config.stores (e.g. PostgreSQL stores owning a pool) closes itself.
      const aggregate = config.stores as { close?: () => Promise<void> } | undefined;
      if (typeof aggregate?.close === 'function') await aggregate.close();
    },
  };
}

// The proxies live in `@actpass/edge` (they ask the gateway through the SDK, as any enforcement point
// would); they are re-exported so an in-process setup needs one import.
export {
  createMcpProxy,
  createRestProxy,
  GatewayLink,
  type GatewayLinkOptions,
  McpConfigError,
  type McpProxy,
  type McpProxyOptions,
  ProxyConfigError,
  type ProxyLogger,
  parseMcpProxyConfig,
  parseRestProxyConfig,
  type RestProxy,
  type RestProxyConfig,
  type RestProxyOptions,
} from '@actpass/edge';
export { publicApproval } from './approvals/index.js';
export type { ApiKeyConfig, Principal, Role } from './auth/index.js';
export { hashApiKey } from './auth/index.js';
export { createDevGateway, type DevGateway, type DevGatewayOptions, type DevKeys } from './config/dev.js';
export type { GatewayConfig, GatewayLogger, TenantConfig } from './config/index.js';
export { GatewayConfigError } from './config/index.js';
export * from './constants.js';
export { actionHash, canonicalAction, type Decision, type PreflightInput } from './decide/index.js';
export {
  FileSessionLabelStore,
  FLOW_LABELS,
  type FlowLabel,
  MemorySessionLabelStore,
  PostgresSessionLabelStore,
  SESSION_LABELED_EVENT,
  type SessionLabel,
  type SessionLabelStore,
} from './flow/index.js';
export type { FetchHandler, ListenOptions, RunningServer } from './http/adapters.js';
export {
  escapeText,
  formatRequestLog,
  type RequestLogEntry,
  type RequestLogFormat,
} from './http/request-log.js';
export type { LedgerEvent, LedgerStore } from './ledger/index.js';
export {
  exportEvidence,
  FileLedgerStore,
  MemoryLedgerStore,
  verifyChain,
  verifyExport,
} from './ledger/index.js';
export { type JtiClaimStore, Keyset, MemoryJtiClaimStore } from './passport/index.js';
export {
  compilePolicy,
  evaluate,
  findShadowedRules,
  loadPack,
  PACK_NAMES,
  packSource,
  policyHash,
} from './policy/index.js';
export * from './store/index.js';
export {
  createPostgresStores,
  DATABASE_URL_ENV,
  loadOrCreateKeyset,
  migrate,
  type PostgresPool,
  type PostgresStoreOptions,
  type PostgresStores,
  saveKeyset,
} from './store/postgres/index.js';
export {
  checkTools,
  lockTools,
  normalizeListing,
  type ToolCheck,
  type ToolLock,
  toolDefinitionHash,
} from './tools/index.js';
export { MemoryVaultStore, type VaultStore } from './vault/index.js';
