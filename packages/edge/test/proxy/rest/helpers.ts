/**
 * A real loopback upstream that counts what reaches it, a real in-process gateway with an agent, an
 * admin and a proxy key, and a served REST proxy between them.
 */

import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFileStores, createGateway, type Gateway } from '@actpass/gateway';
import { createRestProxy, type RestProxy } from '../../../src/proxy/rest/index.js';

export interface Seen {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export interface Upstream {
  url: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** Answers in place of the echo when it returns true (e.g. a compressed echo). */
export type Respond = (entry: Seen, res: ServerResponse) => boolean;

/**
 * Answers JSON echoing what it got (headers included, so a leaked secret would show); `/redirect` 302s.
 * Like many frameworks it honours method overrides: `method` in the echo is the overridden one.
 */
export async function startUpstream(respond?: Respond): Promise<Upstream> {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const entry = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(entry);
      if (respond?.(entry, res)) return;
      if (req.url?.startsWith('/v1/redirect')) {
        res.writeHead(302, { location: 'http://127.0.0.1:9/elsewhere', 'content-type': 'text/plain' });
        res.end('moved');
        return;
      }
      res.writeHead(200, {
        'content-type': 'application/json',
        connection: 'keep-alive',
        'x-upstream': 'yes',
      });
      res.end(JSON.stringify({ ok: true, echo: entry, ran: effectiveMethod(entry) }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** The method an override-honouring framework would run. */
export function effectiveMethod(entry: Seen): string {
  for (const name of ['x-http-method-override', 'x-http-method', 'x-method-override', 'x-original-method']) {
    const value = entry.headers[name];
    if (typeof value === 'string') return value.toUpperCase();
  }
  return /[?&]_method=([A-Za-z]+)/.exec(entry.url)?.[1]?.toUpperCase() ?? entry.method;
}

export const KEYS = {
  agent: 'ak_test_agent_0123456789',
  admin: 'ak_test_admin_0123456789',
  proxy: 'ak_test_proxy_0123456789',
  otherProxy: 'ak_test_other_proxy_01234',
};

export const SECRET = 'sk_live_UPSTREAM_SECRET_4f9c2e';

/** A gateway whose state (ledger, idempotency records, vault) lives in files under `dir`. */
export function testGateway(dir: string): Gateway {
  return createGateway({
    tenants: [
      { id: 'acme', policy: 'refunds' },
      { id: 'globex', policy: 'refunds' },
    ],
    apiKeys: [
      { key: KEYS.agent, tenantId: 'acme', roles: ['agent'], name: 'acme_agent' },
      { key: KEYS.admin, tenantId: 'acme', roles: ['admin', 'approver'], name: 'acme_admin' },
      { key: KEYS.proxy, tenantId: 'acme', roles: ['proxy'], name: 'acme_proxy' },
      { key: KEYS.otherProxy, tenantId: 'globex', roles: ['proxy'], name: 'globex_proxy' },
    ],
    stores: createFileStores(dir),
    vaultKey: Buffer.alloc(32, 7).toString('base64'),
  });
}

/** Every file of the gateway's state directory, as text. */
export function stateText(dir: string): string {
  const walk = (at: string): string[] =>
    readdirSync(at, { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(join(at, entry.name)) : [readFileSync(join(at, entry.name), 'utf8')],
    );
  return walk(dir).join('\n');
}

export function proxyConfig(upstreamUrl: string, extra: Record<string, unknown> = {}) {
  return {
    version: 1,
    upstreams: [
      {
        name: 'payments',
        base_url: `${upstreamUrl}/v1`,
        credential: { name: 'stripe_key', header: 'authorization', template: 'Bearer {secret}' },
        limits: { request_bytes: 4096 },
        routes: [
          {
            method: 'POST',
            path: '/charges/{charge}/refunds',
            tool: 'stripe.refund.create',
            goal: 'resolve_refund_request',
            resource: 'stripe:charge:{charge}',
            args: { charge: 'path.charge', amount: 'body.amount', currency: 'body.currency' },
          },
          {
            method: 'GET',
            path: '/refunds/{id}',
            tool: 'stripe.refund.create',
            goal: 'resolve_refund_request',
            args: { amount: { from: 'query.amount', type: 'integer' } },
          },
          {
            method: 'GET',
            path: '/redirect',
            tool: 'stripe.refund.create',
            args: { amount: { from: 'query.amount', type: 'integer' } },
          },
        ],
      },
    ],
    ...extra,
  };
}

export interface Rig {
  upstream: Upstream;
  gateway: Gateway;
  dir: string;
  proxy: RestProxy;
  url: string;
  port: number;
  logs: string[];
  close(): Promise<void>;
}

export async function startRig(
  options: {
    delivery?: 'sdk' | 'proxy';
    gatewayFetch?: typeof fetch;
    /** How long an outcome waits for the agent key's next preflight (the proxy's default otherwise). */
    outcomeIdleMs?: number;
    /** The proxy config, or a function of the upstream's URL. */
    config?: unknown | ((upstreamUrl: string) => unknown);
    respond?: Respond;
    proxyKey?: string;
    /** The vaulted credential's value (default SECRET). */
    secret?: string;
  } = {},
): Promise<Rig> {
  const upstream = await startUpstream(options.respond);
  const dir = mkdtempSync(join(tmpdir(), 'actpass-proxy-'));
  const gateway = testGateway(dir);
  const put = await gateway.fetch(
    new Request('http://gw/api/v1/credentials/stripe_key', {
      method: 'PUT',
      headers: { authorization: `Bearer ${KEYS.admin}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        value: options.secret ?? SECRET,
        bound_tools: ['stripe.refund.create'],
        delivery: options.delivery ?? 'proxy',
      }),
    }),
  );
  if (put.status !== 200) throw new Error(`credential not stored: ${await put.text()}`);
  const logs: string[] = [];
  const logger = {
    info: (message: string, fields: Record<string, unknown>) =>
      logs.push(`info ${message} ${JSON.stringify(fields)}`),
    warn: (message: string, fields: Record<string, unknown>) =>
      logs.push(`warn ${message} ${JSON.stringify(fields)}`),
  };
  const config =
    typeof options.config === 'function'
      ? (options.config as (url: string) => unknown)(upstream.url)
      : (options.config ?? proxyConfig(upstream.url));
  const proxy = createRestProxy(config, {
    gateway: {
      proxyKey: options.proxyKey ?? KEYS.proxy,
      fetch: options.gatewayFetch ?? gateway.fetch,
      maxRetries: 0,
    },
    logger,
    ...(options.outcomeIdleMs !== undefined ? { outcomeIdleMs: options.outcomeIdleMs } : {}),
  });
  const running = await proxy.listen({ host: '127.0.0.1', port: 0 });
  return {
    upstream,
    gateway,
    dir,
    proxy,
    url: running.url,
    port: running.port,
    logs,
    async close() {
      await proxy.close();
      await gateway.close();
      await upstream.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Sends bytes exactly as given (no client-side normalisation) and returns status and body. */
export function rawRequest(
  port: number,
  head: string,
  body = '',
): Promise<{ status: number; head: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(data)?.[1] ?? 0);
      const split = data.indexOf('\r\n\r\n');
      resolve({ status, head: data.slice(0, split).replace(/\r\n/g, '\n'), body: data.slice(split + 4) });
    });
    const close = /\nconnection:/i.test(head) ? '' : '\r\nconnection: close';
    socket.write(
      `${head.replace(/\n/g, '\r\n')}${close}\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
  });
}

/** Ledger events of one type, read back through the admin evidence API. */
export async function evidenceOf(
  gateway: Gateway,
  type: string,
): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const response = await gateway.fetch(
    new Request('http://gw/api/v1/evidence?limit=1000', {
      headers: { authorization: `Bearer ${KEYS.admin}` },
    }),
  );
  const page = (await response.json()) as { events: Array<{ type: string; data: Record<string, unknown> }> };
  return page.events.filter((event) => event.type === type);
}
