/**
 * `actpass ledger verify` reads files without the strict JSON parser where the native one provably
 * agrees: what the strict parser refuses (a duplicate key, an integer past 2^53 - 1) is still refused,
 * a compact export's signature and chain are still checked, and a ledger file verifies as before.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/index.js';
import { type EvidenceExport, exportEvidence, type LedgerEvent, nextEvent } from '../../src/ledger/index.js';
import { Keyset } from '../../src/passport/index.js';

const dir = mkdtempSync(join(tmpdir(), 'actpass-ledger-verify-'));
const keyset = Keyset.generate();
let events: LedgerEvent[];
let jwks: string;

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(argv, { out: (line) => out.push(line), err: (line) => err.push(line) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

beforeAll(() => {
  events = [];
  let head = { seq: 0, hash: '0'.repeat(64) };
  for (let i = 1; i <= 50; i++) {
    const event = nextEvent(
      'tenant_a',
      { type: 'decision', data: { n: i, amount: i * 100 } },
      head,
      new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      `ev_${String(i).padStart(22, '0')}`,
    );
    events.push(event);
    head = { seq: event.seq, hash: event.hash };
  }
  jwks = file('jwks.json', JSON.stringify(keyset.jwks()));
});

const signed = (): EvidenceExport =>
  JSON.parse(JSON.stringify(exportEvidence(events, 'tenant_a', keyset, new Date('2026-02-01T00:00:00Z'))));

describe('ledger verify reading files', () => {
  it('a compact export verifies; a changed signature or event is refused, the event at its seq', async () => {
    const ok = await cli('ledger', 'verify', file('ok.json', JSON.stringify(signed())), '--jwks', jwks);
    expect([ok.code, ok.out]).toEqual([0, expect.stringContaining('ok, 50 events')]);

    const badSig = signed();
    badSig.signature.sig = `${badSig.signature.sig.slice(0, -4)}AAAA`;
    const sig = await cli('ledger', 'verify', file('sig.json', JSON.stringify(badSig)), '--jwks', jwks);
    expect([sig.code, sig.out]).toEqual([1, expect.stringContaining('FAILED: bad_signature')]);

    const edited = signed();
    (edited.events[29] as LedgerEvent).data.amount = 1;
    const chain = await cli('ledger', 'verify', file('edited.json', JSON.stringify(edited)), '--jwks', jwks);
    expect([chain.code, chain.out]).toEqual([1, expect.stringContaining('FAILED at seq 30: hash_mismatch')]);
  });

  it('an export with a duplicate key is refused as before, whichever value JSON.parse would keep', async () => {
    const text = JSON.stringify(signed()).replace('{"format":', '{"tenant_id":"tenant_other","format":');
    const result = await cli('ledger', 'verify', file('dup.json', text), '--jwks', jwks);
    expect(result.code).toBe(2);
    expect(result.err).toContain('duplicate key');
    expect(result.out).not.toContain('ok');
  });

  it('a ledger file line holding an integer past 2^53 - 1 is not read as an event', async () => {
    const lines = events.map((event) => JSON.stringify(event));
    lines[9] = (lines[9] as string).replace('"amount":1000,', '"amount":9007199254740993,');
    const result = await cli('ledger', 'verify', file('big.jsonl', `${lines.join('\n')}\n`));
    // Not a ledger file any more (so it is taken for an export, which needs a JWKS): never verified.
    expect(result.code).toBe(2);
    expect(result.err).toContain('--jwks FILE is required');
    expect(result.out).toBe('');
  });

  it('a ledger file verifies, and an edited line is named at its seq', async () => {
    const lines = events.map((event) => JSON.stringify(event));
    const ok = await cli('ledger', 'verify', file('ok.jsonl', `${lines.join('\n')}\n`));
    expect([ok.code, ok.out]).toEqual([0, expect.stringContaining('chain ok, 50 events')]);
    lines[49] = (lines[49] as string).replace('"amount":5000,', '"amount":50,');
    const edited = await cli('ledger', 'verify', file('edited.jsonl', `${lines.join('\n')}\n`));
    expect([edited.code, edited.out]).toEqual([
      1,
      expect.stringContaining('FAILED at seq 50: hash_mismatch'),
    ]);
  });
});
