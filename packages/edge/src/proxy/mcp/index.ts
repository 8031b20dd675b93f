/**
 * The enforcing MCP proxy (SPEC §13): `createMcpProxy(config, options)` fronts the configured upstream
 * MCP servers; serve it over stdio (`serveStdio`, acting for one agent key) or Streamable HTTP
 * (`listen`, each request acting for the key in its Authorization header).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { PROXY_REQUEST_MAX_BYTES } from '../../constants.js';
import { GatewayLink, type GatewayLinkOptions } from '../gateway-link.js';
import { Catalog } from './catalog.js';
import { type McpProxyConfig, parseMcpProxyConfig } from './config.js';
import { createProxyServer, type McpServerDeps } from './server.js';
import { UpstreamPool } from './upstreams.js';

export interface McpProxyOptions {
  gateway: GatewayLinkOptions;
  /** The agent key a stdio proxy acts for. */
  agentKey?: string;
}

export interface RunningMcpProxy {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface McpProxy {
  config: McpProxyConfig;
  serveStdio(): Promise<void>;
  listen(options?: { host?: string; port?: number }): Promise<RunningMcpProxy>;
  /** Resolves when the outcome evidence recorded so far is written. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

const BEARER = /^Bearer[ ]+([\x21-\x7e]{1,512})[ ]*$/i;

export function createMcpProxy(rawConfig: unknown, options: McpProxyOptions): McpProxy {
  const config = parseMcpProxyConfig(rawConfig);
  const link = new GatewayLink({
    timeoutMs: config.gateway.timeoutMs,
    maxRetries: config.gateway.maxRetries,
    ...options.gateway,
  });
  const pool = new UpstreamPool(config.servers);
  const pending = new Set<Promise<unknown>>();
  const deps: McpServerDeps = {
    config,
    link,
    pool,
    catalog: new Catalog(pool, () => link.approvedToolNames()),
    track(work) {
      pending.add(work);
      void work.finally(() => pending.delete(work));
    },
  };
  const closers: Array<() => Promise<void>> = [];
  const settled = async () => {
    while (pending.size > 0) await Promise.allSettled([...pending]);
  };

  return {
    config,
    async serveStdio() {
      const server = createProxyServer(deps, options.agentKey ?? null);
      await server.connect(new StdioServerTransport());
      closers.push(() => server.close());
    },
    async listen(listenOptions = {}) {
      const host = listenOptions.host ?? '127.0.0.1';
      let allowedHosts: string[] = [];
      const http = createServer(async (req, res) => {
        if (req.url !== '/mcp') {
          res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found; use /mcp"}');
          return;
        }
        const agentKey = BEARER.exec(req.headers.authorization ?? '')?.[1] ?? null;
        if (agentKey === null) {
          res
            .writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer' })
            .end('{"error":"send your ActPass API key as Authorization: Bearer <key>"}');
          return;
        }
        // Stateless: one server and transport per request, acting for this request's key.
        const server = createProxyServer(deps, agentKey);
        const transport = new StreamableHTTPServerTransport({
          sessionIdGenerator: undefined,
          enableDnsRebindingProtection: true,
          allowedHosts,
        });
        res.on('close', () => {
          void transport.close();
          void server.close();
        });
        try {
          await server.connect(transport);
          const body = req.method === 'POST' ? await readJson(req) : undefined;
          await transport.handleRequest(req, res, body);
        } catch {
          if (!res.headersSent) res.writeHead(400, { 'content-type': 'application/json' });
          res.end('{"error":"bad request"}');
        }
      });
      await new Promise<void>((resolve) => http.listen(listenOptions.port ?? 0, host, resolve));
      const { port } = http.address() as AddressInfo;
      allowedHosts = [`${host}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`];
      const close = () =>
        new Promise<void>((resolve) => {
          http.close(() => resolve());
          http.closeAllConnections();
        });
      closers.push(close);
      return { url: `http://${host}:${port}/mcp`, port, close };
    },
    settled,
    async close() {
      for (const closer of closers.splice(0)) await closer().catch(() => undefined);
      await settled();
      await pool.close();
    },
  };
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > PROXY_REQUEST_MAX_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      } catch (error) {
        reject(error);
      }
    });
    req.on('error', reject);
  });
}

export { McpConfigError, type McpProxyConfig, parseMcpProxyConfig } from './config.js';
export { gatewayToolName, mapToolNames, sanitizeToolName } from './names.js';
export { lineDiff, type WrapResult, wrapClientConfig } from './wrap.js';
