/**
 * The enforcing REST proxy: `createRestProxy(config, options)` gives a `fetch` handler to embed,
 * `listen()` to serve it and `stats()` to read its counters. Config is the parsed YAML/JSON document
 * (see docs/proxy.md).
 */
import { type SpanExporter, Tracer } from '../../tracing/index.js';
import { GatewayLink, type GatewayLinkOptions } from '../gateway-link.js';
import { type FetchInfo, fetchRest, listenRest, type RunningProxy } from './adapters.js';
import { parseRestProxyConfig, type RestProxyConfig } from './config.js';
import { closeUpstream } from './forward.js';
import { createRestHandler, type ProxyLogger, type RestHandler } from './handler.js';
import type { RestProxyStats } from './stats.js';

export interface RestProxyOptions {
  /** How to reach the gateway: `{proxyKey, baseUrl}` or `{proxyKey, fetch: gateway.fetch}`. */
  gateway: GatewayLinkOptions;
  logger?: ProxyLogger;
  /** Where the proxy's spans go (e.g. an OtlpHttpExporter); no tracing when absent. */
  tracing?: SpanExporter;
  /** How long an outcome waits for its agent key's next preflight before the evidence call (100 ms). */
  outcomeIdleMs?: number;
}

export interface RestProxy {
  fetch(request: Request, info?: FetchInfo): Promise<Response>;
  listen(options?: { host?: string; port?: number }): Promise<RunningProxy>;
  handler: RestHandler;
  config: RestProxyConfig;
  /** What the proxy has done since it started: forwarded, blocked, refused (by code), rate-limited… */
  stats(): RestProxyStats;
  close(): Promise<void>;
}

const QUIET: ProxyLogger = { info() {}, warn() {} };

export function createRestProxy(rawConfig: unknown, options: RestProxyOptions): RestProxy {
  const config = parseRestProxyConfig(rawConfig);
  const link = new GatewayLink({
    timeoutMs: config.gateway.timeoutMs,
    maxRetries: config.gateway.maxRetries,
    ...options.gateway,
  });
  let listened: string[] = [];
  const handler = createRestHandler({
    config,
    link,
    logger: options.logger ?? QUIET,
    ...(options.tracing ? { tracer: new Tracer(options.tracing) } : {}),
    ...(options.outcomeIdleMs !== undefined ? { outcomeIdleMs: options.outcomeIdleMs } : {}),
    allowedHosts: () => (config.allowedHosts.length > 0 ? config.allowedHosts : listened),
  });
  const servers = new Set<RunningProxy>();
  return {
    fetch: fetchRest(handler),
    handler,
    config,
    stats: () => handler.stats(),
    async listen(listenOptions = {}) {
      const running = await listenRest(
        handler,
        { host: listenOptions.host ?? config.listen.host, port: listenOptions.port ?? config.listen.port },
        ({ host, port }) => {
          listened = [
            ...new Set([`${host}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]),
          ];
        },
      );
      servers.add(running);
      return running;
    },
    async close() {
      await Promise.all([...servers].map((server) => server.close()));
      servers.clear();
      await handler.settled();
      for (const upstream of config.upstreams.values()) closeUpstream(upstream);
      link.close();
    },
  };
}

export type { FetchInfo, RunningProxy } from './adapters.js';
export { ProxyConfigError, parseRestProxyConfig, type RestProxyConfig } from './config.js';
export type { ProxyLogger } from './handler.js';
export type { RestProxyStats } from './stats.js';
