/**
 * The gateway serving the console: content types, the security headers, and hostile paths sent raw
 * over a socket (no client-side normalisation) that must never reach a file or the API.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONSOLE_CSP,
  createDevGateway,
  createGateway,
  type GatewayConfig,
  type RunningServer,
} from '../../src/index.js';

function gatewayWith(consoleOption: GatewayConfig['console']) {
  return createGateway({
    tenants: [{ id: 'acme' }],
    apiKeys: [{ key: 'ak_console_test_admin_key', tenantId: 'acme', roles: ['admin'], name: 'admin' }],
    vaultKey: null,
    console: consoleOption,
  });
}

interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `path` byte for byte as the request target. */
function raw(server: RunningServer, method: string, path: string): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: server.port, method, path }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the console served at /console', () => {
  const { gateway } = createDevGateway({ env: {} });
  let server: RunningServer;
  beforeAll(async () => {
    server = await gateway.listen({ port: 0 });
  });
  afterAll(() => gateway.close());

  it('serves the page and its files with their content types and the strict CSP', async () => {
    const expected: Record<string, string> = {
      '/console': 'text/html; charset=utf-8',
      '/console/': 'text/html; charset=utf-8',
      '/console/index.html': 'text/html; charset=utf-8',
      '/console/app.js': 'text/javascript; charset=utf-8',
      '/console/app.css': 'text/css; charset=utf-8',
      '/console/icon.svg': 'image/svg+xml',
    };
    for (const [path, type] of Object.entries(expected)) {
      const response = await raw(server, 'GET', path);
      expect(response.status, path).toBe(200);
      expect(response.headers['content-type'], path).toBe(type);
      expect(response.headers['content-security-policy'], path).toBe(CONSOLE_CSP);
      expect(response.headers['x-content-type-options'], path).toBe('nosniff');
      expect(response.headers['x-frame-options'], path).toBe('DENY');
      expect(response.headers['referrer-policy'], path).toBe('no-referrer');
      expect(response.headers['set-cookie'], path).toBeUndefined();
    }
    const directives = CONSOLE_CSP.split('; ');
    for (const directive of [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "frame-ancestors 'none'",
      "object-src 'none'",
      "base-uri 'none'",
      "require-trusted-types-for 'script'",
    ]) {
      expect(directives).toContain(directive);
    }
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval|https?:|data:|\*/);
  });

  it('has no inline script, inline style or inline event handler in its page', async () => {
    const page = (await raw(server, 'GET', '/console/')).body;
    for (const tag of page.match(/<script\b[^>]*>/g) ?? []) expect(tag).toMatch(/\bsrc="\/console\/[a-z.]+"/);
    expect(page).not.toMatch(/<script\b[^>]*>[^<\s]/);
    expect(page).not.toMatch(/<style\b/i);
    expect(page).not.toMatch(/\sstyle=/i);
    expect(page).not.toMatch(/\son[a-z]+=/i);
    expect(page).not.toMatch(/https?:\/\//);
  });

  it.each([
    '/console/../api/v1/evidence',
    '/console/../package.json',
    '/console/..%2f..%2fpackage.json',
    '/console/%2e%2e/%2e%2e/package.json',
    '/console/%2E%2E%2Fsrc%2Findex.ts',
    '/console/..%5c..%5cpackage.json',
    '/console/..\\..\\package.json',
    '/console/%252e%252e%252fpackage.json',
    '/console//etc/passwd',
    '/console/./app.js',
    '/console/app.js/',
    '/console/app.js%00.html',
    '/console/APP.JS',
    '/console/.env',
    '/console/node_modules/preact/package.json',
  ])('answers 404 to the hostile path %s without reading a file or reaching the API', async (path) => {
    const response = await raw(server, 'GET', path);
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
    expect(response.body).toBe('Not found.\n');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const post = await raw(server, 'POST', '/console/');
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const head = await raw(server, 'HEAD', '/console/app.js');
    expect(head.status).toBe(200);
    expect(head.body).toBe('');
  });

  it('leaves every other path to the API', async () => {
    const response = await raw(server, 'GET', '/consolex');
    expect(response.status).toBe(404);
    expect(response.headers['content-type']).toBe('application/json; charset=utf-8');
  });
});

describe('console assets', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'actpass-console-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves only plain file names with a known type from its directory', async () => {
    const assets = join(dir, 'assets');
    mkdirSync(join(assets, 'nested'), { recursive: true });
    writeFileSync(join(assets, 'index.html'), '<!doctype html><title>t</title>');
    writeFileSync(join(assets, 'secret.txt'), 'do not serve');
    writeFileSync(join(assets, '.env'), 'KEY=1');
    writeFileSync(join(assets, 'nested', 'app.js'), 'nested');
    const gateway = gatewayWith({ assetsDir: assets });
    for (const path of [
      '/console/secret.txt',
      '/console/.env',
      '/console/nested/app.js',
      '/console/nested',
    ]) {
      expect((await gateway.fetch(`http://gw${path}`)).status, path).toBe(404);
    }
    expect(await (await gateway.fetch('http://gw/console/')).text()).toContain('<title>t</title>');
  });

  it('answers 503 naming the fix when the console was not built, and can be turned off', async () => {
    const missing = gatewayWith({ assetsDir: join(dir, 'none') });
    const response = await missing.fetch('http://gw/console/');
    expect(response.status).toBe(503);
    expect(await response.text()).toContain('pnpm --filter @actpass/console build');
    const off = gatewayWith(false);
    const offResponse = await off.fetch('http://gw/console/');
    expect(offResponse.status).toBe(404);
    expect(offResponse.headers.get('content-type')).toBe('application/json; charset=utf-8');
  });
});
