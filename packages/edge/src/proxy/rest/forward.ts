/**
 * One request to a configured upstream over node:http(s). Redirects are never followed (node:http does
 * not follow them; the 3xx goes back to the agent as it came). The path is sent byte for byte as it was
 * checked; the response is read whole, up to the upstream's limit, so its digest can be recorded.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { UpstreamConfig } from './config.js';
import type { HeaderList } from './headers.js';

export type Forwarded =
  | { ok: true; status: number; headers: HeaderList; body: Buffer }
  | { ok: false; kind: 'timeout' | 'unreachable' | 'too_large'; message: string };

const agents = new WeakMap<UpstreamConfig, HttpAgent>();

function agentFor(upstream: UpstreamConfig): HttpAgent {
  let agent = agents.get(upstream);
  if (!agent) {
    agent =
      upstream.baseUrl.protocol === 'https:'
        ? new HttpsAgent({ keepAlive: true })
        : new HttpAgent({ keepAlive: true });
    agents.set(upstream, agent);
  }
  return agent;
}

/** Closes idle keep-alive sockets to the upstream. */
export function closeUpstream(upstream: UpstreamConfig): void {
  agents.get(upstream)?.destroy();
  agents.delete(upstream);
}

export function forward(
  upstream: UpstreamConfig,
  method: string,
  pathAndQuery: string,
  headers: HeaderList,
  body: Buffer,
): Promise<Forwarded> {
  const base = upstream.baseUrl;
  const send = base.protocol === 'https:' ? httpsRequest : httpRequest;
  const basePath = base.pathname.replace(/\/+$/, '');
  const outgoing: Record<string, string | string[]> = {};
  for (const [name, value] of headers) {
    const current = outgoing[name];
    outgoing[name] =
      current === undefined ? value : [...(Array.isArray(current) ? current : [current]), value];
  }
  if (body.length > 0 || method === 'POST' || method === 'PUT' || method === 'PATCH') {
    outgoing['content-length'] = String(body.length);
  }
  return new Promise((resolve) => {
    let settled = false;
    const done = (result: Forwarded) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const req = send({
      protocol: base.protocol,
      hostname: base.hostname.replace(/^\[|\]$/g, ''),
      port: base.port || undefined,
      method,
      path: `${basePath}${pathAndQuery}` || '/',
      headers: outgoing,
      agent: agentFor(upstream),
    });
    const timer = setTimeout(() => {
      done({ ok: false, kind: 'timeout', message: `no answer within ${upstream.timeoutMs} ms` });
      req.destroy();
    }, upstream.timeoutMs);
    req.on('error', (error) => done({ ok: false, kind: 'unreachable', message: error.message }));
    req.on('response', (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > upstream.responseMaxBytes) {
          done({
            ok: false,
            kind: 'too_large',
            message: `response exceeds ${upstream.responseMaxBytes} bytes`,
          });
          res.destroy();
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', (error) => done({ ok: false, kind: 'unreachable', message: error.message }));
      res.on('end', () => {
        const list: HeaderList = [];
        for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) {
          list.push([(res.rawHeaders[i] as string).toLowerCase(), res.rawHeaders[i + 1] as string]);
        }
        done({ ok: true, status: res.statusCode ?? 502, headers: list, body: Buffer.concat(chunks) });
      });
    });
    req.end(body);
  });
}
