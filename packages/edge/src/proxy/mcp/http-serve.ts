/**
 * The MCP proxy over Streamable HTTP at `/mcp`, with sessions: an `initialize` request without an
 * `Mcp-Session-Id` opens one (a proxy server and a transport acting for the key in its Authorization
 * header), every later request naming it is served by the same pair, and DELETE, the idle timeout or
 * the per-key bound end it. Before anything, every request's key must be one the gateway accepts as an
 * agent's; a session answers only the key that opened it.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { PROXY_REQUEST_MAX_BYTES } from '../../constants.js';
import { SESSION_HEADER, sessionFromHeader } from '../../flow/index.js';
import type { AgentKeys, KeyVerdict } from './agent-keys.js';
import { type HttpSession, HttpSessions } from './http-sessions.js';
import type { ListChangedRelay } from './list-changed.js';
import { createProxyServer, type McpServerDeps } from './server.js';

export interface RunningMcpProxy {
  url: string;
  port: number;
  /** Streamable HTTP sessions open now. */
  sessions(): number;
  close(): Promise<void>;
}

const BEARER = /^Bearer[ ]+([\x21-\x7e]{1,512})[ ]*$/i;
const MCP_SESSION_HEADER = 'mcp-session-id';
const JSON_TYPE = { 'content-type': 'application/json' };

export async function serveHttp(
  deps: McpServerDeps,
  agentKeys: AgentKeys,
  relay: ListChangedRelay,
  options: { host?: string; port?: number },
): Promise<RunningMcpProxy> {
  const host = options.host ?? '127.0.0.1';
  let allowedHosts: string[] = [];
  const sessions = new HttpSessions(deps.config.sessions, (session) => relay.remove(session.server));

  const openSession = async (req: IncomingMessage, res: ServerResponse, agentKey: string, flow: string) => {
    if (req.method !== 'POST') {
      res.writeHead(400, JSON_TYPE).end(noSession('open a session with a POST initialize request first'));
      return;
    }
    const body = await readJson(req);
    if (!isInitializeRequest(body)) {
      res
        .writeHead(400, JSON_TYPE)
        .end(
          noSession(`send the ${MCP_SESSION_HEADER} header initialize answered with, or initialize first`),
        );
      return;
    }
    if (!sessions.hasRoom(agentKey)) {
      res
        .writeHead(503, { ...JSON_TYPE, 'retry-after': '60' })
        .end('{"error":"the proxy has as many MCP sessions open as it keeps; try again later"}');
      return;
    }
    const server = createProxyServer(deps, agentKey, flow);
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      // A request's answer as one JSON body, not an event stream: the proxy relays no progress, and
      // notifications (list_changed) go on the session's own GET stream.
      enableJsonResponse: true,
      enableDnsRebindingProtection: true,
      allowedHosts,
      onsessioninitialized: (id) => {
        const session: HttpSession = {
          id,
          keyId: HttpSessions.keyId(agentKey),
          flowSessionId: flow,
          server,
          transport,
          lastSeen: Date.now(),
        };
        sessions.add(session);
        relay.add(server);
      },
      onsessionclosed: (id) => sessions.close(id),
    });
    server.onclose = () => {
      relay.remove(server);
      if (transport.sessionId) sessions.close(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
    // An initialize the transport refused opened nothing: nothing of it is kept.
    if (transport.sessionId === undefined) {
      await transport.close().catch(() => undefined);
      await server.close().catch(() => undefined);
    }
  };

  const http = createServer(async (req, res) => {
    if (req.url !== '/mcp') {
      res.writeHead(404, JSON_TYPE).end('{"error":"not found; use /mcp"}');
      return;
    }
    const agentKey = BEARER.exec(req.headers.authorization ?? '')?.[1] ?? null;
    if (agentKey === null) {
      res
        .writeHead(401, { ...JSON_TYPE, 'www-authenticate': 'Bearer' })
        .end('{"error":"send your ActPass API key as Authorization: Bearer <key>"}');
      return;
    }
    // Nothing is listed or called for a key the gateway does not accept as an agent's.
    const admitted = await agentKeys.check(agentKey, req.socket.remoteAddress ?? 'unknown');
    if (admitted.status !== 'valid') {
      refuseKey(res, admitted);
      return;
    }
    // The client may name the flow-control session (x-actpass-session); else each agent key is one.
    const named = req.headers[SESSION_HEADER];
    const flow = sessionFromHeader(named, agentKey);
    if (flow === null) {
      res
        .writeHead(400, JSON_TYPE)
        .end(
          `{"error":"${SESSION_HEADER} must be 1-128 characters of letters, digits and ._:@/+=-; send a session id such as a UUID"}`,
        );
      return;
    }
    try {
      const id = req.headers[MCP_SESSION_HEADER];
      if (id === undefined) {
        await openSession(req, res, agentKey, flow);
        return;
      }
      const found = typeof id === 'string' ? sessions.lookup(id, agentKey) : { status: 'unknown' as const };
      if (found.status === 'foreign')
        deps.warn('MCP proxy refused a request naming a session another agent key opened');
      if (found.status !== 'found') {
        // Ended, never opened, or another key's: the same answer, so ids cannot be probed.
        res.writeHead(404, JSON_TYPE).end(noSession('no such session; initialize a new one'));
        return;
      }
      if (named !== undefined && flow !== found.session.flowSessionId) {
        res
          .writeHead(400, JSON_TYPE)
          .end(`{"error":"${SESSION_HEADER} cannot change within an MCP session; initialize a new one"}`);
        return;
      }
      const body = req.method === 'POST' ? await readJson(req) : undefined;
      await found.session.transport.handleRequest(req, res, body);
    } catch {
      if (!res.headersSent) res.writeHead(400, JSON_TYPE);
      res.end('{"error":"bad request"}');
    }
  });
  await new Promise<void>((resolve) => http.listen(options.port ?? 0, host, resolve));
  const { port } = http.address() as AddressInfo;
  allowedHosts = [`${host}:${port}`, `localhost:${port}`, `127.0.0.1:${port}`];
  return {
    url: `http://${host}:${port}/mcp`,
    port,
    sessions: () => sessions.size,
    close: () =>
      new Promise<void>((resolve) => {
        sessions.closeAll();
        http.close(() => resolve());
        http.closeAllConnections();
      }),
  };
}

/** A JSON-RPC error without an id, as the MCP transport answers a request it cannot place. */
function noSession(message: string): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null });
}

function refuseKey(res: ServerResponse, verdict: Exclude<KeyVerdict, { status: 'valid' }>): void {
  if (verdict.status === 'invalid') {
    res
      .writeHead(401, { ...JSON_TYPE, 'www-authenticate': 'Bearer error="invalid_token"' })
      .end('{"error":"the gateway does not accept this key as an agent key"}');
  } else if (verdict.status === 'throttled') {
    res
      .writeHead(429, { ...JSON_TYPE, 'retry-after': String(verdict.retryAfterSeconds) })
      .end('{"error":"too many unknown keys from this address; try again later"}');
  } else {
    res.writeHead(503, JSON_TYPE).end('{"error":"the gateway could not check the key; try again"}');
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
