/**
 * The proxy itself, against a tiny upstream: each mode must produce exactly the fault it names, or the
 * SDK suites would be testing nothing.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FaultProxy } from '../src/fault-proxy.js';
import { HttpFramer } from '../src/http-framer.js';

const BODY = JSON.stringify({ decision: 'allow', padding: 'x'.repeat(400) });
let upstream: Server;
let target: string;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
      res.end(BODY);
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

/** One POST through node:http (no retries of its own); resolves with what arrived or how it failed. */
function post(
  url: string,
  key: string,
  timeoutMs = 2_000,
): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve) => {
    const req = httpRequest(
      `${url}/api/v1/actions/preflight`,
      {
        method: 'POST',
        headers: { 'idempotency-key': key, 'content-type': 'application/json' },
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode, body: Buffer.concat(chunks).toString('latin1') }),
        );
        res.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
      },
    );
    // A deadline for the whole exchange: a socket idle timeout never fires while bytes trickle in.
    const deadline = setTimeout(
      () => req.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })),
      timeoutMs,
    );
    req.on('close', () => clearTimeout(deadline));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end('{"goal":"g"}');
  });
}

async function withProxy<T>(
  options: Parameters<typeof FaultProxy.start>[0],
  run: (proxy: FaultProxy) => Promise<T>,
) {
  const proxy = await FaultProxy.start(options);
  try {
    return await run(proxy);
  } finally {
    await proxy.close();
  }
}

describe('fault proxy modes', () => {
  it('pass relays the response byte for byte and logs the Idempotency-Key', async () => {
    await withProxy({ target, mode: 'pass' }, async (proxy) => {
      const got = await post(proxy.url, 'key-pass');
      expect(got.body).toBe(BODY);
      expect(proxy.requests).toMatchObject([
        { method: 'POST', path: '/api/v1/actions/preflight', idempotencyKey: 'key-pass' },
      ]);
      expect(proxy.faults).toEqual([]);
    });
  });

  it('refuse closes the connection before forwarding anything', async () => {
    await withProxy({ target, mode: 'refuse' }, async (proxy) => {
      const got = await post(proxy.url, 'key-refuse');
      expect(got.error).toBeDefined();
      expect(proxy.requests).toEqual([]);
      expect(proxy.faults.map((fault) => fault.mode)).toEqual(['refuse']);
    });
  });

  it('reset forwards the request, then sends an RST mid-body', async () => {
    await withProxy({ target, mode: 'reset' }, async (proxy) => {
      const got = await post(proxy.url, 'key-reset');
      expect(got.error).toBe('ECONNRESET');
      expect(proxy.requests).toHaveLength(1);
      expect(proxy.faults).toHaveLength(1);
    });
  });

  it('truncate ends the response before its declared length', async () => {
    await withProxy({ target, mode: 'truncate' }, async (proxy) => {
      const got = await post(proxy.url, 'key-truncate');
      // node reports a short body as an aborted response; either way the full body never arrives.
      expect(got.body).not.toBe(BODY);
      expect(proxy.faults).toHaveLength(1);
    });
  });

  it('corrupt flips exactly one body byte and keeps the framing', async () => {
    await withProxy({ target, mode: 'corrupt', seed: 7 }, async (proxy) => {
      const got = await post(proxy.url, 'key-corrupt');
      expect(got.status).toBe(200);
      const differing = [...Buffer.from(BODY, 'latin1')].filter(
        (byte, i) => Buffer.from(got.body ?? '', 'latin1')[i] !== byte,
      );
      expect(differing).toHaveLength(1);
    });
  });

  it('stall forwards the request and never answers', async () => {
    await withProxy({ target, mode: 'stall' }, async (proxy) => {
      const got = await post(proxy.url, 'key-stall', 300);
      expect(got.error).toBe('TIMEOUT');
      expect(proxy.requests).toHaveLength(1);
    });
  });

  it('trickle sends one byte per interval', async () => {
    await withProxy({ target, mode: 'trickle', trickleIntervalMs: 50 }, async (proxy) => {
      const got = await post(proxy.url, 'key-trickle', 300);
      expect(got.error).toBe('TIMEOUT');
      expect(proxy.faults.map((fault) => fault.mode)).toEqual(['trickle']);
    });
  });

  it('draws faults per response with the given rate', async () => {
    await withProxy({ target, mode: 'reset', faultRate: 0.5, seed: 3 }, async (proxy) => {
      const results = [];
      for (let i = 0; i < 20; i++) results.push(await post(proxy.url, `key-${i}`));
      const failed = results.filter((result) => result.error).length;
      expect(failed).toBe(proxy.faults.length);
      expect(failed).toBeGreaterThan(0);
      expect(failed).toBeLessThan(20);
    });
  });
});

describe('HTTP framer', () => {
  it('frames keep-alive messages split at every byte', () => {
    const wire = Buffer.from(
      'HTTP/1.1 200 OK\r\ncontent-length: 3\r\n\r\nabcHTTP/1.1 204 No Content\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nxy',
    );
    const framer = new HttpFramer('response');
    const bodies = new Map<number, string>();
    for (let i = 0; i < wire.length; i++) {
      for (const segment of framer.push(wire.subarray(i, i + 1))) {
        if (segment.part === 'body')
          bodies.set(
            segment.message,
            (bodies.get(segment.message) ?? '') + wire.toString('latin1', i, i + 1),
          );
      }
    }
    expect([...bodies]).toEqual([
      [0, 'abc'],
      [2, 'xy'],
    ]);
  });
});
