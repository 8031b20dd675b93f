/**
 * Two doors into one handler: the web-standard `fetch` (in-process use, edge-style hosts) and
 * node:http (`listen`). Both translate to `IncomingRequest` and back, nothing more.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { KEEP_ALIVE_TIMEOUT_MS, REQUEST_TIMEOUT_MS } from '../constants.js';
import type { GatewayHandler } from './handler.js';
import { BodyTooLargeError, type IncomingRequest } from './types.js';

/** The signature of the global `fetch`, so the gateway can stand in for it (`new ActPass({ fetch })`). */
export type FetchHandler = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export function fetchAdapter(handler: GatewayHandler): FetchHandler {
  return async (input, init) => {
    const request = input instanceof Request && init === undefined ? input : new Request(input, init);
    const url = new URL(request.url);
    const response = await handler({
      method: request.method.toUpperCase(),
      path: url.pathname,
      query: url.search.slice(1),
      header: (name) => request.headers.get(name),
      async readBody(maxBytes) {
        const declared = Number(request.headers.get('content-length') ?? Number.NaN);
        if (declared > maxBytes) throw new BodyTooLargeError();
        const bytes = new Uint8Array(await request.arrayBuffer());
        if (bytes.byteLength > maxBytes) throw new BodyTooLargeError();
        return new TextDecoder('utf-8', { fatal: false }).decode(bytes);
      },
    });
    return new Response(response.body, { status: response.status, headers: response.headers });
  };
}

export interface ListenOptions {
  host?: string;
  port?: number;
}

export interface RunningServer {
  url: string;
  port: number;
  server: Server;
  /** Stops accepting connections, lets in-flight requests finish, closes idle keep-alive sockets. */
  close(): Promise<void>;
}

export function listenAdapter(handler: GatewayHandler, options: ListenOptions): Promise<RunningServer> {
  // Once closing, every answer says `Connection: close`: a kept-alive client would otherwise hold the
  // server open until its keep-alive timeout, and a stopping process must exit as soon as it has drained.
  const state = { closing: false };
  const server = createServer({ keepAlive: true, requestTimeout: REQUEST_TIMEOUT_MS }, (req, res) => {
    void serve(handler, req, res, state);
  });
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${host}:${address.port}`,
        port: address.port,
        server,
        close: () =>
          new Promise<void>((done) => {
            state.closing = true;
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}

async function serve(
  handler: GatewayHandler,
  req: IncomingMessage,
  res: ServerResponse,
  state: { closing: boolean },
): Promise<void> {
  const [path = '/', query = ''] = (req.url ?? '/').split(/\?(.*)/s, 2);
  let tooLarge = false;
  const request: IncomingRequest = {
    method: (req.method ?? 'GET').toUpperCase(),
    path,
    query,
    header: (name) => {
      const value = req.headers[name.toLowerCase()];
      return Array.isArray(value) ? value.join(', ') : (value ?? null);
    },
    readBody: (maxBytes) =>
      readNodeBody(req, maxBytes).catch((error) => {
        tooLarge = error instanceof BodyTooLargeError;
        throw error;
      }),
  };
  try {
    const response = await handler(request);
    // An oversized body was not read to its end: close the connection rather than parse the rest as a request.
    if (tooLarge || state.closing) response.headers.connection = 'close';
    res.writeHead(response.status, {
      ...response.headers,
      'content-length': Buffer.byteLength(response.body),
    });
    res.end(response.body);
  } catch {
    // The handler never throws (errors become responses); this guards the socket against a broken write.
    if (!res.headersSent) res.writeHead(500);
    res.end();
  }
}

function readNodeBody(req: IncomingMessage, maxBytes: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > maxBytes) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.byteLength;
      if (size > maxBytes) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
