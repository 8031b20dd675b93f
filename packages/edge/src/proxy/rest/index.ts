/**
 * The enforcing REST proxy (SPEC §13): `createRestProxy(config, options)` gives a `fetch` handler to
 * embed and `listen()` to serve it. Config is the parsed YAML/JSON document (see docs/proxy.md).
 */
import { GatewayLink, type GatewayLinkOptions } from '../gateway-link.js';
import { fetchRest, listenRest, type RunningProxy } from './adapters.js';
import { parseRestProxyConfig, type RestProxyConfig } from './config.js';
import { closeUpstream } from './forward.js';
import { createRestHandler, type ProxyLogger, type RestHandler } from './handler.js';

export interface RestProxyOptions {
  /** How to reach the gateway: `{proxyKey, baseUrl}` or `{proxyKey, fetch: gateway.fetch}`. */
  gateway: GatewayLinkOptions;
  logger?: ProxyLogger;
}

export interface RestProxy {
  fetch(request: Request): Promise<Response>;
  listen(options?: { host?: string; port?: number }): Promise<RunningProxy>;
  handler: RestHandler;
  config: RestProxyConfig;
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
    allowedHosts: () => (config.allowedHosts.length > 0 ? config.allowedHosts : listened),
  });
  const servers = new Set<RunningProxy>();
  return {
    fetch: fetchRest(handler),
    handler,
    config,
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
    },
  };
}

export type { RunningProxy } from './adapters.js';
export { ProxyConfigError, parseRestProxyConfig, type RestProxyConfig } from './config.js';
export type { ProxyLogger } from './handler.js';
