/**
 * Response filtering through the real REST proxy: a loopback upstream answers with credentials of
 * known formats (a GitHub token, an AWS access key id, a JWT, a private key, a configured pattern),
 * plain and gzip-encoded, beside its echo of the vaulted secret. The agent gets `[REDACTED:<kind>]`
 * in text-like answers, binary answers byte for byte, the stats and the ledger count kinds (never
 * values), and an upstream with `filter: false` relays the values (the redaction is the filter's).
 */
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProxyConfigError, parseRestProxyConfig } from '../../../src/proxy/rest/config.js';
import {
  evidenceOf,
  KEYS,
  proxyConfig,
  type Rig,
  SECRET,
  type Seen,
  startRig,
  stateText,
} from './helpers.js';

const GITHUB = `ghp_${'Zt7yQw'.repeat(6)}`;
const AWS = 'AKIAZ9FAKEKEYVALUE42';
const JWT = [
  Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'),
  Buffer.from('{"sub":"user-1","iat":1700000000}').toString('base64url'),
  'dBjftJeZ4CVPmB92K27uhbUJU1p1r_wW1gFWFOEjXk',
].join('.');
const PEM = `-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW\nQyNTUxOQAAACBvZmFrZWtleWZha2VrZXlmYWtla2V5ZmFrZWtleWZha2UAAAA=\n-----END OPENSSH PRIVATE KEY-----\n`;
const ACME = 'acme_live_0123456789abcdef0123';
const SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

type Answer = { type: string; encoding?: 'gzip'; body: (entry: Seen) => Buffer };
let answer: Answer | null = null;

const leaky = (entry: Seen) =>
  Buffer.from(
    JSON.stringify({
      token: GITHUB,
      aws: AWS,
      session: JWT,
      key: PEM,
      acme: ACME,
      commit: SHA256,
      auth: entry.headers.authorization,
    }),
  );

let rig: Rig;
let rawRig: Rig;
const withFilter = (filter: unknown) => (url: string) => {
  const config = proxyConfig(url) as { upstreams: Array<Record<string, unknown>> };
  (config.upstreams[0] as Record<string, unknown>).filter = filter;
  return config;
};
const respond = (entry: Seen, res: import('node:http').ServerResponse) => {
  if (answer === null) return false;
  const body = answer.body(entry);
  res.writeHead(200, {
    'content-type': answer.type,
    ...(answer.encoding ? { 'content-encoding': answer.encoding } : {}),
  });
  res.end(answer.encoding === 'gzip' ? gzipSync(body) : body);
  return true;
};

beforeAll(async () => {
  rig = await startRig({
    config: withFilter({ patterns: [{ kind: 'acme_key', pattern: 'acme_live_[0-9a-f]{20}' }] }),
    respond,
  });
  rawRig = await startRig({ config: withFilter(false), respond });
});
afterAll(async () => {
  await rig?.close();
  await rawRig?.close();
});

async function get(on: Rig) {
  const response = await fetch(`${on.url}/payments/refunds/re_1?amount=1`, {
    headers: { authorization: `Bearer ${KEYS.agent}` },
  });
  return { status: response.status, bytes: Buffer.from(await response.arrayBuffer()) };
}

describe('REST proxy response filtering', () => {
  it.each([
    ['JSON', { type: 'application/json', body: leaky } as Answer],
    [
      'gzip-encoded JSON',
      { type: 'application/json; charset=utf-8', encoding: 'gzip', body: leaky } as Answer,
    ],
    ['text/plain', { type: 'text/plain', body: leaky } as Answer],
  ])('%s: every credential format is redacted, the sha256 stays', async (_name, how) => {
    answer = how;
    const res = await get(rig);
    expect(res.status).toBe(200);
    const body = JSON.parse(res.bytes.toString('utf8'));
    expect(body).toEqual({
      token: '[REDACTED:github_token]',
      aws: '[REDACTED:aws_access_key_id]',
      session: '[REDACTED:jwt]',
      key: '[REDACTED:private_key]\n',
      acme: '[REDACTED:acme_key]',
      commit: SHA256,
      auth: 'Bearer [redacted by actpass]',
    });
    for (const value of [GITHUB, AWS, JWT, ACME, SECRET, 'b3BlbnNzaC1rZXktdjEAAAAA'])
      expect(res.bytes.includes(Buffer.from(value))).toBe(false);
  });

  it('counts kinds in the stats and records them as evidence, never the values', async () => {
    const stats = rig.proxy.stats();
    expect(stats.filteredResponses).toBe(3);
    expect(stats.redactedByKind).toEqual({
      github_token: 3,
      aws_access_key_id: 3,
      jwt: 3,
      private_key: 3,
      acme_key: 3,
    });
    // Evidence is written in the background; wait for it (generously) rather than for a fixed time.
    let events = await evidenceOf(rig.gateway, 'response.redacted');
    for (let tries = 0; events.length < 3 && tries < 100; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      events = await evidenceOf(rig.gateway, 'response.redacted');
    }
    expect(events).toHaveLength(3);
    expect(events[0]?.data).toMatchObject({
      via: 'proxy',
      upstream: 'payments',
      tool: 'stripe.refund.create',
      kinds: { acme_key: 1, aws_access_key_id: 1, github_token: 1, jwt: 1, private_key: 1 },
      count: 5,
    });
    const state = stateText(rig.dir);
    for (const value of [GITHUB, AWS, JWT, ACME, SECRET, 'b3BlbnNzaC1rZXktdjEAAAAA'])
      expect(state).not.toContain(value);
    expect(rig.logs.join('\n')).not.toContain(GITHUB);
  });

  it('relays a binary answer byte for byte', async () => {
    const bytes = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff, 0x00]), Buffer.from(GITHUB)]);
    answer = { type: 'image/png', body: () => bytes };
    const res = await get(rig);
    expect(res.bytes.equals(bytes)).toBe(true);
  });

  it('keeps non-UTF-8 bytes of a text answer exactly around a redaction', async () => {
    const latin1 = Buffer.concat([
      Buffer.from([0xe9, 0xff, 0x20]),
      Buffer.from(AWS),
      Buffer.from([0x20, 0xe8]),
    ]);
    answer = { type: 'text/plain; charset=iso-8859-1', body: () => latin1 };
    const res = await get(rig);
    expect(
      res.bytes.equals(
        Buffer.concat([
          Buffer.from([0xe9, 0xff, 0x20]),
          Buffer.from('[REDACTED:aws_access_key_id]'),
          Buffer.from([0x20, 0xe8]),
        ]),
      ),
    ).toBe(true);
  });

  it('relays credential formats as they are behind filter: false (the vaulted secret is still redacted)', async () => {
    answer = { type: 'application/json', body: leaky };
    const res = await get(rawRig);
    const body = JSON.parse(res.bytes.toString('utf8'));
    expect(body.token).toBe(GITHUB);
    expect(body.auth).toBe('Bearer [redacted by actpass]');
    expect(rawRig.proxy.stats().filteredResponses).toBe(0);
  });
});

describe('REST proxy filter config', () => {
  const problems = (filter: unknown): string[] => {
    try {
      parseRestProxyConfig(withFilter(filter)('http://127.0.0.1:1'));
      return [];
    } catch (error) {
      if (!(error instanceof ProxyConfigError)) throw error;
      return error.problems;
    }
  };
  it('names the field of every problem', () => {
    expect(problems(false)).toEqual([]);
    expect(problems({ patterns: [] })).toEqual([]);
    expect(problems({ strip_hidden: true })).toEqual([
      expect.stringMatching(/^upstreams\[0\]\.filter\.strip_hidden: unknown field; expected one of patterns/),
    ]);
    expect(problems({ patterns: [{ kind: 'k', pattern: '(\\w*)*x' }] })).toEqual([
      expect.stringMatching(/^upstreams\[0\]\.filter\.patterns\[0\]\.pattern: must not repeat/),
    ]);
    expect(problems({ patterns: [{ kind: 'k', pattern: 'a*' }] })).toEqual([
      'upstreams[0].filter.patterns[0].pattern: must not match the empty string',
    ]);
    expect(problems({ patterns: [{ kind: 'k', pattern: 'x'.repeat(300) }] })).toEqual([
      'upstreams[0].filter.patterns[0].pattern: must be at most 256 characters',
    ]);
  });
});
