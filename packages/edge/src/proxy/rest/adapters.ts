/**
 * The REST proxy's two doors: node:http (the raw request target is checked as it arrived, and CONNECT
 * is answered 400 on the socket) and a web-standard `fetch` handler for embedding. A `fetch` Request
 * carries a URL the runtime has already parsed (dot segments resolved), so embedders that need the raw
 * target checked should serve through `listen`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { BodyTooLargeError, type ProxyRequest, type ProxyResponse, type RestHandler } from './handler.js';
import type { HeaderList } from './headers.js';

export interface RunningProxy {
  url: string;
  host: string;
  port: number;
  close(): Promise<void>;
}

const CONNECT_REFUSAL = JSON.stringify({
  blocked: true,
  error: {
    code: 'proxy.method_refused',
    message: 'CONNECT is never proxied; call <proxy>/<upstream>/<path>.',
  },
});

export function listenRest(
  handler: RestHandler,
  options: { host: string; port: number },
  onAddress: (address: { host: string; port: number }) => void,
): Promise<RunningProxy> {
  const server = createServer({ keepAlive: true }, (req, res) => {
    void serve(handler, req, res);
  });
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(CONNECT_REFUSAL)}\r\nconnection: close\r\n\r\n${CONNECT_REFUSAL}`,
    );
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const address = server.address() as AddressInfo;
      onAddress({ host: options.host, port: address.port });
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${shown}:${address.port}`,
        host: options.host,
        port: address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}

async function serve(handler: RestHandler, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const headers: HeaderList = [];
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    headers.push([(req.rawHeaders[i] as string).toLowerCase(), req.rawHeaders[i + 1] as string]);
  }
  let tooLarge = false;
  const request: ProxyRequest = {
    method: req.method ?? 'GET',
    target: req.url ?? '',
    headers,
    ...(req.socket.remoteAddress ? { clientAddress: req.socket.remoteAddress } : {}),
    readBody: (maxBytes) =>
      new Promise<Buffer>((resolve, reject) => {
        const chunks: Buffer[] = [];
        let size = 0;
        req.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            tooLarge = true;
            req.removeAllListeners('data');
            req.resume();
            reject(new BodyTooLargeError());
            return;
          }
          chunks.push(chunk);
        });
        req.on('end', () => resolve(Buffer.concat(chunks)));
        req.on('error', reject);
      }),
  };
  let response: ProxyResponse;
  try {
    response = await handler.handle(request);
  } catch {
    response = {
      status: 500,
      headers: [['content-type', 'application/json; charset=utf-8']],
      body: Buffer.from(
        JSON.stringify({ blocked: true, error: { code: 'proxy.internal', message: 'internal proxy error' } }),
      ),
    };
  }
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of response.headers) {
    const current = out[name];
    out[name] = current === undefined ? value : [...(Array.isArray(current) ? current : [current]), value];
  }
  out['content-length'] = String(response.body.length);
  if (tooLarge) out.connection = 'close';
  res.writeHead(response.status, out);
  res.end(response.body);
}

/** Who sent a request given to the `fetch` handler, when the embedder knows (never from a header). */
export interface FetchInfo {
  clientAddress?: string;
}

/**
 * A web-standard handler: `(request: Request, info?) => Promise<Response>`. Without `info.clientAddress`
 * every caller shares one failed-auth budget.
 */
export function fetchRest(handler: RestHandler): (request: Request, info?: FetchInfo) => Promise<Response> {
  return async (request, info) => {
    const url = new URL(request.url);
    const headers: HeaderList = [];
    request.headers.forEach((value, name) => {
      headers.push([name, value]);
    });
    if (!request.headers.has('host')) headers.push(['host', url.host]);
    const response = await handler.handle({
      method: request.method,
      target: `${url.pathname}${url.search}`,
      headers,
      ...(info?.clientAddress ? { clientAddress: info.clientAddress } : {}),
      async readBody(maxBytes) {
        if (!request.body) return Buffer.alloc(0);
        const chunks: Buffer[] = [];
        let size = 0;
        for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
          size += chunk.byteLength;
          if (size > maxBytes) throw new BodyTooLargeError();
          chunks.push(Buffer.from(chunk));
        }
        return Buffer.concat(chunks);
      },
    });
    const out = new Headers();
    for (const [name, value] of response.headers) out.append(name, value);
    const noBody = response.status === 204 || response.status === 304 || request.method === 'HEAD';
    return new Response(noBody ? null : new Uint8Array(response.body), {
      status: response.status,
      headers: out,
    });
  };
}
