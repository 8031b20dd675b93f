/**
 * The vaulted secret never comes back to the agent, however the upstream re-encodes its echo: JSON
 * with `\"`, `\/` and `\u` escapes, HTML entities, percent-encoding, base64, and HTTP Basic
 * credentials printed decoded. The upstream here answers every one of those spellings at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { secretSpellings } from '../../../src/proxy/rest/redact.js';
import { KEYS, proxyConfig, type Rig, SECRET, startRig } from './helpers.js';

const TRICKY = 'sk_live/Quote"Plus+Amp&Lt<9f2e\'';

let rig: Rig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

function echoAllSpellings(received: () => string) {
  return (_entry: unknown, res: import('node:http').ServerResponse) => {
    const secret = received();
    const json = JSON.stringify(secret).slice(1, -1);
    const body = [
      `json: "${json}"`,
      `json with slashes: "${json.replace(/\//g, '\\/')}"`,
      `html: ${secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;')}`,
      `url: ${encodeURIComponent(secret)}`,
      `base64: ${Buffer.from(secret).toString('base64')}`,
      `base64url: ${Buffer.from(secret).toString('base64url')}`,
      `as is: ${secret}`,
    ].join('\n');
    res.writeHead(200, { 'content-type': 'text/plain', 'x-debug-auth': encodeURIComponent(secret) });
    res.end(body);
    return true;
  };
}

describe('redaction of re-encoded echoes', () => {
  it('no spelling of the secret reaches the agent', async () => {
    let seenSecret = '';
    const respond = echoAllSpellings(() => seenSecret);
    rig = await startRig({
      secret: TRICKY,
      respond: (entry, res) => {
        seenSecret = String(entry.headers.authorization).replace(/^Bearer /, '');
        return respond(entry, res);
      },
    });
    const response = await fetch(`${rig.url}/payments/charges/ch_1/refunds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 100, currency: 'usd' }),
    });
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(seenSecret).toBe(TRICKY);
    const lines = text.split('\n');
    expect(lines).toHaveLength(7);
    for (const line of lines) expect(line, line).toMatch(/\[redacted by actpass\]"?$/);
    for (const spelling of secretSpellings(TRICKY)) expect(text).not.toContain(spelling);
    expect(response.headers.get('x-debug-auth')).toBe('[redacted by actpass]');
  });

  it('a Basic credential printed decoded is redacted too', async () => {
    const basic = Buffer.from('payments-bot:pa55word-0f-the-proxy').toString('base64');
    rig = await startRig({
      secret: basic,
      config: (url: string) => {
        const config = proxyConfig(url) as { upstreams: Array<{ credential: Record<string, string> }> };
        (config.upstreams[0] as { credential: Record<string, string> }).credential.template =
          'Basic {secret}';
        return config;
      },
      respond: (entry, res) => {
        const sent = String(entry.headers.authorization).replace(/^Basic /, '');
        res.writeHead(401, { 'content-type': 'text/plain' });
        res.end(`bad credentials for ${Buffer.from(sent, 'base64').toString('utf8')}`);
        return true;
      },
    });
    const response = await fetch(`${rig.url}/payments/charges/ch_1/refunds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 100, currency: 'usd' }),
    });
    const text = await response.text();
    expect(text).toBe('bad credentials for [redacted by actpass]');
    expect(rig.upstream.seen[0]?.headers.authorization).toBe(`Basic ${basic}`);
  });

  it.each(['utf16le', 'utf16be'] as const)('a %s echo is redacted in its own encoding', async (encoding) => {
    const encode = (text: string) =>
      encoding === 'utf16le' ? Buffer.from(text, 'utf16le') : Buffer.from(text, 'utf16le').swap16();
    rig = await startRig({
      respond: (entry, res) => {
        res.writeHead(200, {
          'content-type': `text/plain; charset=${encoding === 'utf16le' ? 'utf-16le' : 'utf-16be'}`,
        });
        res.end(encode(`seen: ${String(entry.headers.authorization)}`));
        return true;
      },
    });
    const response = await fetch(`${rig.url}/payments/charges/ch_1/refunds`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEYS.agent}`, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 100, currency: 'usd' }),
    });
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(encode('seen: Bearer [redacted by actpass]'))).toBe(true);
    expect(bytes.includes(encode(SECRET))).toBe(false);
  });

  it('short spellings other than the secret itself are not searched for', () => {
    expect(secretSpellings('abc')).toEqual(['abc']);
  });
});
