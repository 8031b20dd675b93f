/**
 * The enforcing MCP proxy: `createMcpProxy(config, options)` fronts the configured upstream MCP
 * servers; serve it over stdio (`serveStdio`, acting for one agent key), on any MCP transport
 * (`connect`, the same), or Streamable HTTP (`listen`, each request acting for the key in its
 * Authorization header, which the gateway must accept before anything is listed or called).
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { MCP_SESSION_PREFIX, PROXY_KNOWN_SECRETS_MAX, PROXY_REQUEST_MAX_BYTES } from '../../constants.js';
import { KnownSecrets } from '../../filter/index.js';
import { mintSessionId, SESSION_HEADER, sessionFromHeader } from '../../flow/index.js';
import { escapeUnsafe } from '../../text/controls.js';
import { type SpanExporter, Tracer } from '../../tracing/index.js';
import { GatewayLink, type GatewayLinkOptions } from '../gateway-link.js';
import { AgentKeys, type KeyVerdict } from './agent-keys.js';
import { Catalog } from './catalog.js';
import { type McpProxyConfig, parseMcpProxyConfig } from './config.js';
import { Fanout } from './fanout.js';
import { configuredSecrets } from './flow.js';
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

export interface RunningMcpProxy {
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface McpProxy {
  config: McpProxyConfig;
  serveStdio(): Promise<void>;
  /** Serves one agent session on `transport`, acting for `options.agentKey`. */
  connect(transport: Transport): Promise<void>;
  /** Processes launched per stdio upstream (restarts included). */
  launches(): ReadonlyMap<string, number>;
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
  // Warnings quote upstream error messages: escape what could drive a terminal or split a log line.
  const sink = options.warn ?? ((message: string) => process.stderr.write(`actpass: ${message}\n`));
  const warn = (message: string) => sink(escapeUnsafe(message));
  const relay = new ListChangedRelay(warn);
  const pool = new UpstreamPool(config.servers, config.restart, {
    listChanged: (_server, kind) => void relay.upstreamChanged(kind),
    warn,
  });
  const fanout = new Fanout(pool, warn);
  const pending = new Set<Promise<unknown>>();
  const closers: Array<() => Promise<void>> = [];
  const secrets = new KnownSecrets(PROXY_KNOWN_SECRETS_MAX);
  for (const value of configuredSecrets(config.servers)) secrets.add(value);
  const deps: McpServerDeps = {
    secrets,
    config,
    link,
    pool,
    catalog: new Catalog(pool, fanout, () => link.approvedToolNames()),
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
        // Nothing is listed or called for a key the gateway does not accept as an agent's.
        const admitted = await agentKeys.check(agentKey, req.socket.remoteAddress ?? 'unknown');
        if (admitted.status !== 'valid') {
          refuseKey(res, admitted);
          return;
        }
        // Stateless, so no connection to name a session: the client names it (x-actpass-session), or
        // else each agent key is one session.
        const sessionId = sessionFromHeader(req.headers[SESSION_HEADER], agentKey);
        if (sessionId === null) {
          res
            .writeHead(400, { 'content-type': 'application/json' })
            .end(
              `{"error":"${SESSION_HEADER} must be 1-128 characters of letters, digits and ._:@/+=-; send a session id such as a UUID"}`,
            );
          return;
        }
        // Stateless: one server and transport per request, acting for this request's key.
        const server = createProxyServer(deps, agentKey, sessionId);
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

function refuseKey(res: ServerResponse, verdict: Exclude<KeyVerdict, { status: 'valid' }>): void {
  const json = { 'content-type': 'application/json' };
  if (verdict.status === 'invalid') {
    res
      .writeHead(401, { ...json, 'www-authenticate': 'Bearer error="invalid_token"' })
      .end('{"error":"the gateway does not accept this key as an agent key"}');
  } else if (verdict.status === 'throttled') {
    res
      .writeHead(429, { ...json, 'retry-after': String(verdict.retryAfterSeconds) })
      .end('{"error":"too many unknown keys from this address; try again later"}');
  } else {
    res.writeHead(503, json).end('{"error":"the gateway could not check the key; try again"}');
  }
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
