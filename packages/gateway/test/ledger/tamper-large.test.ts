/**
 * Every tamper class, injected at a random position of a large chain, is caught at the right seq:
 * in the parsed form files and exports have (`verifyChain`), in a ledger file (`parseLedgerFile`, which
 * names the line) and in a signed export (`verifyExport`, chain before signature). Positions come from
 * fast-check, so each run probes new places, including the first and the last event.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  exportEvidence,
  hashEvent,
  LedgerCorruptError,
  type LedgerEvent,
  MemoryLedgerStore,
  parseLedgerFile,
  verifyChain,
  verifyExport,
} from '../../src/ledger/index.js';
import { Keyset } from '../../src/passport/index.js';
import { fixedSources, TENANT } from './helpers.js';

const EVENTS = 20_000;
const RUNS = 3;
const NOW = new Date('2026-02-01T00:00:00.000Z');
const OTHER_HASH = 'f'.repeat(64);

let sealed: LedgerEvent[];
/** The chain as files and exports hold it: plain parsed objects, not the store's frozen ones. */
let lines: string[];
const fresh = (): LedgerEvent[] => lines.map((line) => JSON.parse(line) as LedgerEvent);
const rehash = (event: LedgerEvent): LedgerEvent => {
  const { hash: _old, ...rest } = event;
  return { ...rest, hash: hashEvent(rest) };
};

type Tamper = {
  name: string;
  apply: (chain: LedgerEvent[], at: number) => void;
  seq: (at: number) => number;
  reason: string;
};

/** `at` is the 1-based seq of the event the tamper targets. */
const TAMPERS: Tamper[] = [
  {
    name: 'edited content',
    apply: (c, at) => {
      (c[at - 1] as LedgerEvent).data.note = 'edited';
    },
    seq: (at) => at,
    reason: 'hash_mismatch',
  },
  {
    name: 'forged hash',
    apply: (c, at) => {
      (c[at - 1] as LedgerEvent).hash = OTHER_HASH;
    },
    seq: (at) => at,
    reason: 'hash_mismatch',
  },
  {
    name: 'edited and re-hashed',
    apply: (c, at) => {
      const event = c[at - 1] as LedgerEvent;
      event.data.note = 'edited';
      c[at - 1] = rehash(event);
    },
    seq: (at) => at + 1,
    reason: 'prev_hash_mismatch',
  },
  {
    name: 'wrong prev link, re-hashed',
    apply: (c, at) => {
      const event = c[at - 1] as LedgerEvent;
      event.prev_hash = OTHER_HASH;
      c[at - 1] = rehash(event);
    },
    seq: (at) => at,
    reason: 'prev_hash_mismatch',
  },
  {
    name: 'reorder (swap with the next)',
    apply: (c, at) => {
      const [a, b] = [c[at - 1] as LedgerEvent, c[at] as LedgerEvent];
      c[at - 1] = b;
      c[at] = a;
    },
    seq: (at) => at,
    reason: 'seq_mismatch',
  },
  {
    name: 'delete',
    apply: (c, at) => void c.splice(at - 1, 1),
    seq: (at) => at,
    reason: 'seq_mismatch',
  },
  {
    name: 'insert a well-formed forged event',
    apply: (c, at) => {
      const previous = c[at - 2];
      const forged = rehash({
        ...(c[at - 1] as LedgerEvent),
        id: 'ev_forged',
        data: { forged: true },
        prev_hash: previous ? previous.hash : '0'.repeat(64),
      });
      c.splice(at - 1, 0, forged);
    },
    // The forgery itself links and hashes; the genuine event behind it repeats its seq.
    seq: (at) => at + 1,
    reason: 'seq_mismatch',
  },
];

/** Tampers that need a successor; the others may hit any event including the last. */
const NEEDS_NEXT = new Set([
  'edited and re-hashed',
  'reorder (swap with the next)',
  'delete',
  'insert a well-formed forged event',
]);
const position = (tamper: Tamper) =>
  fc.oneof(
    fc.constant(1),
    fc.constant(NEEDS_NEXT.has(tamper.name) ? EVENTS - 1 : EVENTS),
    fc.integer({ min: 1, max: EVENTS - 1 }),
  );

beforeAll(async () => {
  const store = new MemoryLedgerStore(fixedSources());
  for (let i = 1; i <= EVENTS; i++) {
    await store.append(TENANT, {
      type: 'decision',
      data: { n: i, note: `event ${i}`, args: { amount: i % 97 } },
    });
  }
  sealed = [];
  for await (const event of store.events(TENANT)) sealed.push(event);
  lines = sealed.map((event) => JSON.stringify(event));
});

describe(`tamper classes on a ${EVENTS.toLocaleString('en-US')}-event chain`, () => {
  it('the untouched chain verifies in every form', () => {
    const head = { seq: EVENTS, hash: (sealed[EVENTS - 1] as LedgerEvent).hash };
    expect(verifyChain(sealed)).toEqual({ ok: true, head });
    expect(verifyChain(fresh())).toEqual({ ok: true, head });
    expect(parseLedgerFile('t.jsonl', Buffer.from(`${lines.join('\n')}\n`), TENANT)).toHaveLength(EVENTS);
  });

  for (const tamper of TAMPERS) {
    it(`${tamper.name}: parsed chain and ledger file break at the right seq`, () => {
      fc.assert(
        fc.property(position(tamper), (at) => {
          const chain = fresh();
          tamper.apply(chain, at);
          expect(verifyChain(chain)).toMatchObject({
            ok: false,
            first_broken_seq: tamper.seq(at),
            reason: tamper.reason,
          });
          const file = Buffer.from(`${chain.map((event) => JSON.stringify(event)).join('\n')}\n`);
          let caught: unknown;
          try {
            parseLedgerFile('t.jsonl', file, TENANT);
          } catch (error) {
            caught = error;
          }
          expect(caught).toBeInstanceOf(LedgerCorruptError);
          expect(caught).toMatchObject({ kind: 'broken_chain', line: tamper.seq(at) });
          expect((caught as Error).message).toContain(tamper.reason);
        }),
        { numRuns: RUNS },
      );
    });
  }

  it('an edited byte in a file line is caught on that line', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: EVENTS }), (at) => {
        const edited = [...lines];
        // One digit of the event's own n, which still parses: only the hash can notice.
        edited[at - 1] = (edited[at - 1] as string).replace(`"n":${at},`, `"n":${at + 1},`);
        expect(() => parseLedgerFile('t.jsonl', Buffer.from(`${edited.join('\n')}\n`), TENANT)).toThrow(
          expect.objectContaining({ kind: 'broken_chain', line: at }),
        );
      }),
      { numRuns: RUNS },
    );
  });

  it('truncation is caught against the known head, at the first missing seq', () => {
    const head = { seq: EVENTS, hash: (sealed[EVENTS - 1] as LedgerEvent).hash };
    fc.assert(
      fc.property(fc.integer({ min: 0, max: EVENTS - 1 }), (keep) => {
        const chain = fresh().slice(0, keep);
        expect(verifyChain(chain)).toMatchObject({ ok: true, head: { seq: keep } });
        expect(verifyChain(chain, { expectedHead: head })).toMatchObject({
          ok: false,
          reason: 'truncated',
          first_broken_seq: keep + 1,
        });
      }),
      { numRuns: RUNS },
    );
  });
});

describe(`signed export of a ${EVENTS.toLocaleString('en-US')}-event chain`, () => {
  const keyset = Keyset.generate(NOW);
  const jwks = () => JSON.parse(JSON.stringify(keyset.jwks()));
  let exportText: string;
  beforeAll(() => {
    exportText = JSON.stringify(exportEvidence(sealed, TENANT, keyset, NOW));
  });

  it('verifies untouched, and every chain tamper is reported at its seq before the signature', () => {
    expect(verifyExport(JSON.parse(exportText), jwks())).toMatchObject({ ok: true, head: { seq: EVENTS } });
    for (const tamper of TAMPERS) {
      const at = 1 + Math.floor(Math.random() * (EVENTS - 1));
      const exported = JSON.parse(exportText);
      tamper.apply(exported.events, at);
      expect(verifyExport(exported, jwks()), `${tamper.name} at ${at}`).toMatchObject({
        ok: false,
        reason: tamper.reason,
        first_broken_seq: tamper.seq(at),
      });
    }
  });

  it('a flipped signature byte, an edited envelope or a truncated export with a re-pointed head fails', () => {
    const exported = JSON.parse(exportText);
    const sig = exported.signature.sig as string;
    exported.signature.sig = (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    expect(verifyExport(exported, jwks())).toMatchObject({ ok: false, reason: 'bad_signature' });

    const redated = JSON.parse(exportText);
    redated.exported_at = '2030-01-01T00:00:00.000Z';
    expect(verifyExport(redated, jwks())).toMatchObject({ ok: false, reason: 'bad_signature' });

    const keep = 1 + Math.floor(Math.random() * (EVENTS - 1));
    const truncated = JSON.parse(exportText);
    truncated.events = truncated.events.slice(0, keep);
    truncated.head = { seq: keep, hash: truncated.events[keep - 1].hash };
    expect(verifyExport(truncated, jwks())).toMatchObject({ ok: false, reason: 'bad_signature' });
    const knownHead = { seq: EVENTS, hash: (sealed[EVENTS - 1] as LedgerEvent).hash };
    expect(verifyExport(truncated, jwks(), { knownHead })).toMatchObject({
      ok: false,
      reason: 'truncated',
      first_broken_seq: keep + 1,
    });
  });
});
