/**
 * The small parts behind the proxy's limits, on their own: decoding bounded for every encoding (a
 * bomb in each), the token bucket's refill and Retry-After, and the client address a failed-auth
 * budget is kept for (IPv6 by its /64, so a host cannot pick a fresh address per try).
 */
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeBody } from '../../../src/proxy/rest/decode.js';
import { clientBucketName, TokenBuckets } from '../../../src/proxy/rest/rate-limit.js';

const LIMIT = 64 * 1024;
const zeros = Buffer.alloc(16 * 1024 * 1024);

describe('decodeBody', () => {
  it.each([
    ['gzip', gzipSync(zeros)],
    ['deflate', deflateSync(zeros)],
    ['deflate', deflateRawSync(zeros)],
    ['br', brotliCompressSync(zeros)],
  ] as const)('stops a %s bomb at the limit', async (encoding, body) => {
    expect(body.length).toBeLessThan(LIMIT);
    const decoded = await decodeBody([['content-encoding', encoding]], body, LIMIT);
    expect(decoded).toEqual({
      ok: false,
      message: `the upstream's ${encoding} body decodes past ${LIMIT} bytes`,
    });
  });

  it('decodes exactly up to the limit, and in the order the encodings were applied', async () => {
    const plain = Buffer.alloc(LIMIT, 'a');
    const twice = brotliCompressSync(gzipSync(plain));
    const decoded = await decodeBody(
      [
        ['content-encoding', 'gzip'],
        ['content-encoding', ' BR '],
      ],
      twice,
      LIMIT,
    );
    expect(decoded.ok && decoded.body.equals(plain)).toBe(true);
    expect(decoded.ok && decoded.encodings).toEqual(['gzip', 'br']);
    const wrongOrder = await decodeBody([['content-encoding', 'br, gzip']], twice, LIMIT);
    expect(wrongOrder.ok).toBe(false);
  });
});

describe('TokenBuckets', () => {
  it('spends the burst, says when the next token comes, refills with time, never above the burst', () => {
    let now = 0;
    const buckets = new TokenBuckets({ perMinute: 6, burst: 2 }, 100, () => now);
    expect(buckets.take('k')).toEqual({ ok: true });
    expect(buckets.take('k')).toEqual({ ok: true });
    expect(buckets.take('k')).toEqual({ ok: false, retryAfterSeconds: 10 });
    now = 4_000;
    expect(buckets.take('k')).toEqual({ ok: false, retryAfterSeconds: 6 });
    now = 10_000;
    expect(buckets.take('k')).toEqual({ ok: true });
    now = 10_000_000;
    buckets.refund('k');
    expect([buckets.take('k'), buckets.take('k'), buckets.take('k')].map((t) => t.ok)).toEqual([
      true,
      true,
      false,
    ]);
    expect(buckets.take('other')).toEqual({ ok: true });
  });

  it('forgets the oldest name past its bound', () => {
    const buckets = new TokenBuckets({ perMinute: 1, burst: 1 }, 2, () => 0);
    buckets.take('a');
    buckets.take('b');
    buckets.take('c');
    // "a" was forgotten and starts full again; "c" is still spent.
    expect(buckets.take('a').ok).toBe(true);
    expect(buckets.take('c').ok).toBe(false);
  });
});

describe('clientBucketName', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1'],
    ['::ffff:10.1.2.3', '10.1.2.3'],
    ['2001:db8:aa:bb:1:2:3:4', '2001:db8:aa:bb::/64'],
    ['2001:db8:aa:bb::9', '2001:db8:aa:bb::/64'],
    ['2001:0db8:00aa:00bb:ffff::1', '2001:db8:aa:bb::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    [undefined, 'unknown'],
  ])('%s → %s', (address, name) => {
    expect(clientBucketName(address)).toBe(name);
  });
});
