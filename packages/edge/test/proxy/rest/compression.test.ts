/**
 * Upstream compression: the proxy asks for `identity`, and an upstream that compresses anyway (here one
 * that echoes the request, vaulted secret included) is decoded before redaction, so the secret never
 * reaches the agent in compressed form. An encoding the proxy cannot read, a body that does not decode
 * and a decompression bomb past the response limit are 502, with nothing of the answer relayed.
 */
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evidenceOf, KEYS, proxyConfig, type Rig, SECRET, type Seen, startRig } from './helpers.js';

type Encoder = { header: string; encode: (body: Buffer) => Buffer };
let encoder: Encoder | null = null;

let rig: Rig;
beforeAll(async () => {
  rig = await startRig({
    config: (url: string) => {
      const config = proxyConfig(url) as { upstreams: Array<{ limits: Record<string, number> }> };
      (config.upstreams[0] as { limits: Record<string, number> }).limits.response_bytes = 1024 * 1024;
      return config;
    },
    respond: (entry: Seen, res) => {
      if (encoder === null) return false;
      const echo = Buffer.from(JSON.stringify({ ok: true, echo: entry }));
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': encoder.header });
      res.end(encoder.encode(echo));
      return true;
    },
  });
});
afterAll(async () => {
  await rig.close();
});

async function refund() {
  const response = await fetch(`${rig.url}/payments/charges/ch_1/refunds`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' },
    body: JSON.stringify({ amount: 100, currency: 'usd' }),
  });
  const bytes = Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, bytes, text: bytes.toString('utf8') };
}

describe('upstream compression', () => {
  const readable: Array<[string, Encoder]> = [
    ['gzip', { header: 'gzip', encode: (b) => gzipSync(b) }],
    ['x-gzip', { header: 'x-gzip', encode: (b) => gzipSync(b) }],
    ['deflate (zlib)', { header: 'deflate', encode: (b) => deflateSync(b) }],
    ['deflate (raw)', { header: 'deflate', encode: (b) => deflateRawSync(b) }],
    ['br', { header: 'br', encode: (b) => brotliCompressSync(b) }],
    ['gzip then br', { header: 'gzip, br', encode: (b) => brotliCompressSync(gzipSync(b)) }],
    ['identity', { header: 'identity', encode: (b) => b }],
  ];
  it.each(readable)(
    '%s: decoded before redaction, the secret never reaches the agent',
    async (_name, how) => {
      encoder = how;
      rig.upstream.seen.length = 0;
      const res = await refund();
      expect(res.status).toBe(200);
      expect(res.headers.get('content-encoding')).toBeNull();
      // Neither in plain text nor in any compressed form: the agent gets the decoded, redacted echo.
      expect(res.bytes.includes(Buffer.from(SECRET))).toBe(false);
      const body = JSON.parse(res.text);
      expect(body.echo.headers.authorization).toBe('Bearer [redacted by actpass]');
      expect(body.echo.headers['accept-encoding']).toBe('identity');
      expect(rig.upstream.seen[0]?.headers.authorization).toBe(`Bearer ${SECRET}`);
    },
  );

  const unreadable: Array<[string, Encoder, string]> = [
    ['an unknown encoding (compress)', { header: 'compress', encode: (b) => gzipSync(b) }, 'cannot read'],
    ['zstd', { header: 'zstd', encode: (b) => gzipSync(b) }, 'cannot read'],
    [
      'a gzip body cut short',
      { header: 'gzip', encode: (b) => gzipSync(b).subarray(0, 20) },
      'does not decode',
    ],
    ['plain bytes labelled br', { header: 'br', encode: (b) => b }, 'does not decode'],
    [
      'a gzip bomb past the 1 MiB response limit',
      { header: 'gzip', encode: () => gzipSync(Buffer.alloc(64 * 1024 * 1024)) },
      'past 1048576 bytes',
    ],
    [
      'a bomb in the inner layer',
      { header: 'gzip, gzip', encode: () => gzipSync(gzipSync(Buffer.alloc(64 * 1024 * 1024))) },
      'past 1048576 bytes',
    ],
  ];
  it.each(unreadable)('%s: 502, nothing relayed', async (_name, how, says) => {
    encoder = how;
    await rig.proxy.handler.settled();
    const before = (await evidenceOf(rig.gateway, 'action.outcome')).length;
    const res = await refund();
    expect(res.status).toBe(502);
    const body = JSON.parse(res.text);
    expect(body.error.code).toBe('proxy.upstream_undecodable');
    expect(body.error.message).toContain(says);
    expect(res.text).not.toContain(SECRET);
    expect(res.text).not.toContain('echo');
    await rig.proxy.handler.settled();
    const outcomes = await evidenceOf(rig.gateway, 'action.outcome');
    expect(outcomes).toHaveLength(before + 1);
    expect(outcomes.at(-1)?.data).toMatchObject({ status: 200, error: 'undecodable' });
  });

  it('counts what it could not relay', () => {
    expect(rig.proxy.stats().byCode['proxy.upstream_undecodable']).toBe(unreadable.length);
    expect(rig.proxy.stats().upstreamFailed).toBe(unreadable.length);
  });
});
