/**
 * Property: any single-byte change anywhere in a stored ledger that changes what it says is detected.
 * Two levels:
 *  - the stored file (one JSON event per line, exactly what FileLedgerStore writes): loading it fails;
 *  - one event's stored text: when the changed text still parses, `verifyChain` names that event's seq.
 *
 * A few edits alter the bytes but not the parsed content (the last digit of a 17-significant-digit
 * float can still denote the same double). The hash covers the canonical form of the parsed event, so
 * the chain alone cannot see those; the file loader refuses them because every line must be exactly
 * the serialization it wrote. The last test pins that.
 *
 * The policy properties (determinism, a rule appended after the winner changes nothing, no rules gives
 * the default, indexed ≡ linear) live in packages/gateway/test/policy/properties.test.ts, and the
 * canonical-JSON ones in packages/sdk/test/canonical; they are not repeated here.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AppendInput,
  FileLedgerStore,
  GENESIS_HASH,
  LedgerCorruptError,
  type LedgerEvent,
  nextEvent,
  parseLedgerFile,
  verifyChain,
} from '../../gateway/src/ledger/index.js';

/** The long run raises this (ACTPASS_PROPERTY_RUNS); CI keeps it small. */
const RUNS = Number(process.env.ACTPASS_PROPERTY_RUNS ?? 300);
const TENANT = 'acme';
const AT = '2026-01-01T00:00:00.000Z';

/** Arbitrary JSON payloads, Unicode included, so multi-byte UTF-8 sequences get broken too. */
const data = fc.dictionary(
  fc.string({ unit: 'grapheme', maxLength: 8 }),
  fc.jsonValue({ maxDepth: 2, stringUnit: 'grapheme' }),
  { maxKeys: 4 },
);
const input = fc.record({
  type: fc.constantFrom('decision', 'evidence', 'action.outcome', 'approval.requested'),
  data,
});

const chains = fc.array(input, { minLength: 1, maxLength: 6 }).map((inputs) => {
  const events: LedgerEvent[] = [];
  let head = { seq: 0, hash: GENESIS_HASH };
  for (const [index, item] of inputs.entries()) {
    const event = nextEvent(TENANT, item as AppendInput, head, AT, `ev_${index}`);
    events.push(event);
    head = { seq: event.seq, hash: event.hash };
  }
  return events;
});

/** What FileLedgerStore writes: one JSON text per event, newline-terminated. */
function fileBytes(events: LedgerEvent[]): Buffer {
  return Buffer.from(events.map((event) => `${JSON.stringify(event)}\n`).join(''), 'utf8');
}

/** A position in `length` bytes and a byte value guaranteed to differ from the one there. */
const change = fc.record({ position: fc.nat(), delta: fc.integer({ min: 1, max: 255 }) });

function tamper(bytes: Buffer, position: number, delta: number): Buffer {
  const copy = Buffer.from(bytes);
  const at = position % copy.length;
  copy[at] = ((copy[at] as number) + delta) % 256;
  return copy;
}

describe('ledger tamper detection', () => {
  it('the property fixture writes what FileLedgerStore writes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'actpass-ledger-'));
    try {
      let ids = 0;
      const store = new FileLedgerStore(dir, { clock: () => new Date(AT), newId: () => `ev_${ids++}` });
      const inputs: AppendInput[] = [
        { type: 'decision', data: { decision: 'allow', amount: 500, note: 'naïve ☃ 𝄞' } },
        { type: 'evidence', data: { nested: { list: [1, -0, 1e21, 'x'] } } },
      ];
      const written: LedgerEvent[] = [];
      for (const item of inputs) written.push(await store.append(TENANT, item));
      await store.close();
      const bytes = readFileSync(store.fileFor(TENANT));
      expect(bytes.equals(fileBytes(written))).toBe(true);
      expect(parseLedgerFile('ledger', bytes, TENANT)).toHaveLength(2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a single-byte change anywhere in a stored ledger file is refused on load', () => {
    fc.assert(
      fc.property(chains, change, (events, { position, delta }) => {
        const bytes = fileBytes(events);
        expect(parseLedgerFile('ledger', bytes, TENANT)).toHaveLength(events.length);
        const tampered = tamper(bytes, position, delta);
        expect(() => parseLedgerFile('ledger', tampered, TENANT)).toThrow(LedgerCorruptError);
      }),
      { numRuns: RUNS },
    );
  });

  it('a changed event that still parses breaks the chain exactly at its seq', () => {
    let stillParsed = 0;
    fc.assert(
      fc.property(chains, fc.nat(), change, (events, which, { position, delta }) => {
        const index = which % events.length;
        const text = Buffer.from(JSON.stringify(events[index]), 'utf8');
        let changed: unknown;
        try {
          changed = JSON.parse(tamper(text, position, delta).toString('utf8'));
        } catch {
          return; // no longer JSON: a loader refuses the line (previous property)
        }
        if (isDeepStrictEqual(changed, events[index])) return; // same content, other bytes (see header)
        stillParsed++;
        const copy: unknown[] = [...events];
        copy[index] = changed;
        const result = verifyChain(copy, { tenantId: TENANT });
        expect(result).toMatchObject({ ok: false, first_broken_seq: index + 1 });
      }),
      { numRuns: RUNS },
    );
    // Edits inside strings and numbers keep the JSON valid: those are the cases that reach the verifier.
    expect(stillParsed).toBeGreaterThan(0);
  });

  it('the untouched chain verifies (so the properties above are not vacuous)', () => {
    fc.assert(
      fc.property(chains, (events) => {
        expect(verifyChain(events, { tenantId: TENANT })).toMatchObject({
          ok: true,
          head: { seq: events.length },
        });
      }),
      { numRuns: Math.min(RUNS, 100) },
    );
  });

  // The chain cannot see this edit (same parsed value, same hash); the loader's byte-exact check does.
  it('an edit that keeps the same double is refused on load', () => {
    const event = nextEvent(
      TENANT,
      { type: 'decision', data: { args: { amount: 0.30000000000000004 } } },
      { seq: 0, hash: GENESIS_HASH },
      AT,
      'ev_0',
    );
    const edited = `${JSON.stringify(event)}\n`.replace('0.30000000000000004', '0.30000000000000005');
    expect(() => parseLedgerFile('ledger', Buffer.from(edited, 'utf8'), TENANT)).toThrow(LedgerCorruptError);
  });
});
