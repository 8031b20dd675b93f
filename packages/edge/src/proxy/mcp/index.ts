/**
 * The enforcing MCP proxy: `createMcpProxy(config, options)` fronts the configured upstream MCP
 * servers; serve it over stdio (`serveStdio`, acting for one agent key), on any MCP transport
 * (`connect`, the same), or Streamable HTTP (`listen`, with sessions: each acting for the key in the
 * Authorization header that opened it, which the gateway must accept before anything is listed or
 * called — see http-serve.ts).
 */
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { MCP_SESSION_PREFIX, PROXY_KNOWN_SECRETS_MAX } from '../../constants.js';
import { KnownSecrets } from '../../filter/index.js';
import { mintSessionId } from '../../flow/index.js';
import { escapeUnsafe } from '../../text/controls.js';
import { type SpanExporter, Tracer } from '../../tracing/index.js';
import { GatewayLink, type GatewayLinkOptions } from '../gateway-link.js';
import { AgentKeys } from './agent-keys.js';
import { Catalog } from './catalog.js';
import { type McpProxyConfig, parseMcpProxyConfig } from './config.js';
import { Fanout } from './fanout.js';
import { configuredSecrets } from './flow.js';
import { type RunningMcpProxy, serveHttp } from './http-serve.js';
import { ListChangedRelay } from './list-changed.js';
import { createProxyServer, type McpServerDeps } from './server.js';
import { Surfaces } from './surfaces.js';
import { UpstreamPool } from './upstreams.js';

export interface McpProxyOptions {
  gateway: GatewayLinkOptions;
  /** The agent key a stdio proxy acts for. */
  agentKey?: string;
  /** Where warnings go (a server left out of a listing, a restart, a refused path); default stderr. */
  warn?: (message: string) => void;
  /** Where the proxy's spans go (e.g. an OtlpHttpExporter); no tracing when absent. */
  tracing?: SpanExporter;
}

export interface McpProxy {
  config: McpProxyConfig;
  serveStdio(): Promise<void>;
  /** Serves one agent session on `transport`, acting for `options.agentKey`. */
  connect(transport: Transport): Promise<void>;
  /** Processes launched per stdio upstream (restarts included). */
  launches(): ReadonlyMap<string, number>;
  /** Tool listings asked of each upstream (a reused listing asks nothing). */
  toolListings(): ReadonlyMap<string, number>;
  listen(options?: { host?: string; port?: number }): Promise<RunningMcpProxy>;
  /** Resolves when the outcome evidence recorded so far is written. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

export function createMcpProxy(rawConfig: unknown, options: McpProxyOptions): McpProxy {
  const config = parseMcpProxyConfig(rawConfig);
  const link = new GatewayLink({
    timeoutMs: config.gateway.timeoutMs,
    maxRetries: config.gateway.maxRetries,
    ...options.gateway,
  });
  // Warnings quote upstream error messages: escape what could drive a terminal or split a log line.
  const sink = options.warn ?? ((message: string) => process.stderr.write(`actpass: ${message}\n`));
  const warn = (message: string) => sink(escapeUnsafe(message));
  const relay = new ListChangedRelay(warn);
  // Set just below: the pool's events reach the catalog, which is built on the pool.
  let catalog: Catalog | null = null;
  const pool = new UpstreamPool(config.servers, config.restart, {
    listChanged: (server, kind) => {
      // The server's reused tool listing is stale from now on, before anything is listed again.
      if (kind === 'tools') catalog?.invalidate(server);
      void relay.upstreamChanged(kind);
    },
    stopped: (server) => catalog?.invalidate(server),
    warn,
  });
  const fanout = new Fanout(pool, warn);
  catalog = new Catalog(pool, fanout, () => link.approvedToolNames());
  const pending = new Set<Promise<unknown>>();
  const closers: Array<() => Promise<void>> = [];
  const secrets = new KnownSecrets(PROXY_KNOWN_SECRETS_MAX);
  for (const value of configuredSecrets(config.servers)) secrets.add(value);
  const deps: McpServerDeps = {
    secrets,
    config,
    link,
    pool,
    catalog,
    surfaces: new Surfaces(pool, fanout),
    ...(options.tracing ? { tracer: new Tracer(options.tracing) } : {}),
    track(work) {
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
    warn,
  };
  relay.bind(deps);
  const agentKeys = new AgentKeys(link);
  const serveSession = async (transport: Transport) => {
    // One connection, one flow-control session: its id is the proxy's, never the agent's choice.
    const server: Server = createProxyServer(
      deps,
      options.agentKey ?? null,
      mintSessionId(MCP_SESSION_PREFIX),
    );
    await server.connect(transport);
    relay.add(server);
    server.onclose = () => relay.remove(server);
    closers.push(async () => {
      relay.remove(server);
      await server.close();
    });
  };
  const settled = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };

  return {
    config,
    serveStdio: () => serveSession(new StdioServerTransport()),
    connect: serveSession,
    launches: () => pool.launches,
    toolListings: () => pool.toolListings,
    async listen(listenOptions = {}) {
      const running = await serveHttp(deps, agentKeys, relay, listenOptions);
      closers.push(running.close);
      return running;
    },
    settled,
    async close() {
      for (const closer of closers.splice(0)) await closer().catch(() => undefined);
      await settled();
      await pool.close();
    },
  };
}

export { McpConfigError, type McpProxyConfig, parseMcpProxyConfig } from './config.js';
export type { RunningMcpProxy } from './http-serve.js';
export { gatewayToolName, mapToolNames, sanitizeToolName } from './names.js';
export { lineDiff, type WrapResult, wrapClientConfig } from './wrap.js';
