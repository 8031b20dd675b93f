/**
 * Two corpora for the response filter, generated from a seeded PRNG so every run reads the same text:
 * ordinary tool output (JSON listings, code, git logs, UUIDs, hashes, base64, URLs, ARNs, lockfile
 * integrity strings) that must come through untouched, and leaked credentials — fake but well-formed
 * values of every built-in kind, in the contexts tools print them (env lines, JSON, YAML, headers,
 * URLs, log lines) — that must all be redacted.
 */
import { createHash, generateKeyPairSync } from 'node:crypto';

export function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

function pick(random: () => number, chars: string, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += chars[Math.floor(random() * chars.length)];
  return out;
}

/** A body of `n` characters with at least one digit, one upper and one lower case letter. */
function mixed(random: () => number, n: number, chars = ALNUM): string {
  return `A7b${pick(random, chars, n - 3)}`;
}

export function ordinaryCorpus(count = 400): string[] {
  const random = prng(7);
  const hex = (n: number) => pick(random, '0123456789abcdef', n);
  const uuid = () => `${hex(8)}-${hex(4)}-4${hex(3)}-a${hex(3)}-${hex(12)}`;
  const b64 = (n: number) => Buffer.from(pick(random, ALNUM, n)).toString('base64');
  const samples: string[] = [];
  for (let i = 0; i < count; i++) {
    const sha = createHash('sha256').update(String(i)).digest('hex');
    samples.push(
      JSON.stringify({
        id: uuid(),
        name: `task-manager-${i}`,
        sha256: sha,
        etag: `"${hex(32)}"`,
        created_at: '2026-12-06T03:43:54Z',
        tags: ['sk-learn', 'ask-for-help', 'risk-assessment-matrix-v2', 'desk-booking-service-api'],
      }),
      `commit ${hex(40)}\nAuthor: Dev ${i} <dev${i}@example.com>\nDate:   Sun Dec 6 03:43:54 2026 +0000\n\n    Fix off-by-one in pagination (#${i})\n`,
      `const task_${i} = await client.tasks.get("${uuid()}"); // see https://example.com/a/b?page=${i}&sort=desc`,
      `image: registry.example.com/app@sha256:${sha}`,
      `"integrity": "sha512-${createHash('sha512').update(String(i)).digest('base64')}"`,
      `arn:aws:iam::${String(100000000000 + i)}:role/service-role/AKIA-style-name-${i}`,
      `payload=${b64(48)}`,
      `{"pk": "pk_live_${mixed(random, 24)}", "publishable": true}`,
      `xoxo-hugs-and-kisses-${i} sk_live_short ghp_short glpat-short AIzaShort`,
      `eyJ-not-a-token.${hex(20)}.${hex(20)} and eyJhbGciOi (cut) ${uuid()}`,
      `-----BEGIN PUBLIC KEY-----\n${b64(60)}\n-----END PUBLIC KEY-----`,
      `-----BEGIN CERTIFICATE-----\n${b64(60)}\n-----END CERTIFICATE-----`,
      `Run \`npm install\` then ASIA tour ${i}; AKIA is a prefix; ${hex(64)}`,
    );
  }
  return samples;
}

export interface Leak {
  kind: string;
  value: string;
}

export function leakedCorpus(count = 40): Array<{ leak: Leak; text: string }> {
  const random = prng(11);
  const jwtPart = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const pems = [
    generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey,
    generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey,
    generateKeyPairSync('ed25519').privateKey,
  ].map((key) => key.export({ type: 'pkcs8', format: 'pem' }).toString());
  const makers: Array<() => Leak> = [
    () => ({
      kind: 'aws_access_key_id',
      value: `${random() < 0.5 ? 'AKIA' : 'ASIA'}${pick(random, UPPER_DIGITS, 16)}`,
    }),
    () => ({
      kind: 'github_token',
      value: `gh${'pousr'[Math.floor(random() * 5)]}_${pick(random, ALNUM, 36)}`,
    }),
    () => ({
      kind: 'github_token',
      value: `github_pat_${pick(random, ALNUM, 22)}_${pick(random, ALNUM, 59)}`,
    }),
    () => ({ kind: 'openai_key', value: `sk-${mixed(random, 48)}` }),
    () => ({ kind: 'openai_key', value: `sk-proj-${mixed(random, 120, `${ALNUM}_-`)}` }),
    () => ({ kind: 'anthropic_key', value: `sk-ant-api03-${pick(random, `${ALNUM}_-`, 93)}AA` }),
    () => ({
      kind: 'slack_token',
      value: `xox${'abpors'[Math.floor(random() * 6)]}-${pick(random, '0123456789', 12)}-${pick(random, '0123456789', 13)}-${pick(random, ALNUM, 24)}`,
    }),
    () => ({
      kind: 'stripe_key',
      value: `${['sk_live_', 'rk_live_', 'sk_test_'][Math.floor(random() * 3)]}${pick(random, ALNUM, 24)}`,
    }),
    () => ({ kind: 'gitlab_token', value: `glpat-${pick(random, `${ALNUM}_-`, 20)}` }),
    () => ({ kind: 'google_api_key', value: `AIza${pick(random, `${ALNUM}_-`, 35)}` }),
    () => ({
      kind: 'jwt',
      value: `${jwtPart({ alg: 'RS256', typ: 'JWT', kid: pick(random, ALNUM, 8) })}.${jwtPart({ sub: pick(random, ALNUM, 10), exp: 1_800_000_000 })}.${pick(random, `${ALNUM}_-`, 43)}`,
    }),
    () => ({ kind: 'private_key', value: pems[Math.floor(random() * pems.length)] as string }),
  ];
  const contexts: Array<(value: string) => string> = [
    (v) => `TOKEN=${v}`,
    (v) => JSON.stringify({ config: { secret: v, region: 'eu-west-1' } }),
    (v) => `credentials:\n  value: "${v}"\n`,
    (v) => `Authorization: Bearer ${v}`,
    (v) => `GET https://api.example.com/x?token=${v}&page=2`,
    (v) => `2026-12-06T03:43:54Z ERROR auth failed for key '${v}' (retrying)`,
    (v) => `\`\`\`\n${v}\n\`\`\``,
  ];
  const out: Array<{ leak: Leak; text: string }> = [];
  for (let i = 0; i < count; i++) {
    for (const make of makers) {
      const leak = make();
      const context = contexts[Math.floor(random() * contexts.length)] as (value: string) => string;
      out.push({ leak, text: context(leak.value) });
    }
  }
  return out;
}
