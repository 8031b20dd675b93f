/**
 * Ledger file text verified in slices (worker threads for large files): every tamper class is caught
 * at the seq and with the reason a single pass over the strictly parsed lines gives, including a
 * tamper on the first or last event of a slice and across a cut; a worker that fails makes the
 * verification fail, never pass.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseJsonStrict } from '@actpass/sdk/canonical';
import { beforeAll, describe, expect, it } from 'vitest';
import { hashEvent, type LedgerEvent, nextEvent, verifyChain } from '../../src/ledger/index.js';
import {
  ChainVerificationFailedError,
  joinSlices,
  type LedgerTextResult,
  sliceAtLineEnds,
  verifyLedgerText,
} from '../../src/ledger/verify-file-text.js';
import { readJsonStrictly, verifyLineSlice } from '../../src/ledger/verify-lines.js';
import { TENANT } from './helpers.js';

const EVENTS = 600;
/** Slices of 200 lines: seqs 1–200, 201–400, 401–600. */
const CUTS = [200, 400];
const OTHER_HASH = 'f'.repeat(64);

let lines: string[];

beforeAll(() => {
  lines = [];
  let head = { seq: 0, hash: '0'.repeat(64) };
  for (let i = 1; i <= EVENTS; i++) {
    const at = new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString();
    const event = nextEvent(
      TENANT,
      { type: 'decision', data: { n: i, note: `event ${i}`, args: { amount: i % 97, currency: 'usd' } } },
      head,
      at,
      `ev_${String(i).padStart(22, '0')}`,
    );
    lines.push(JSON.stringify(event));
    head = { seq: event.seq, hash: event.hash };
  }
});

const parse = (line: string) => JSON.parse(line) as LedgerEvent;
const rehash = (event: LedgerEvent): string => {
  const { hash: _old, ...rest } = event;
  return JSON.stringify({ ...rest, hash: hashEvent(rest) });
};

/** What `actpass ledger verify` answered before slices: every line strictly parsed, one pass. */
function reference(text: string): LedgerTextResult {
  const events: unknown[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = parseJsonStrict(line);
    } catch {
      return { kind: 'not_ledger' };
    }
    if (typeof value !== 'object' || value === null || !('prev_hash' in value) || !('seq' in value))
      return { kind: 'not_ledger' };
    events.push(value);
  }
  if (events.length === 0) return { kind: 'not_ledger' };
  return { kind: 'chain', result: verifyChain(events) };
}

/** The worker path without the threads: the same slice check and join, cut after the given lines. */
function inSlices(edited: string[], cuts: number[] = CUTS): LedgerTextResult {
  const bounds = [0, ...cuts, edited.length];
  const slices = bounds.slice(1).map((end, index) => `${edited.slice(bounds[index], end).join('\n')}\n`);
  return joinSlices(slices.map((slice) => verifyLineSlice(slice)));
}

type LineTamper = { name: string; apply: (l: string[], at: number) => void; seq: number; reason: string };

/** `at` is the 1-based seq the tamper targets; `seq` is where the break must be named. */
function tampers(at: number): LineTamper[] {
  return [
    {
      name: 'changed field',
      apply: (l) => {
        l[at - 1] = (l[at - 1] as string).replace(`"n":${at},`, `"n":${at + 1000},`);
      },
      seq: at,
      reason: 'hash_mismatch',
    },
    {
      name: 'changed hash',
      apply: (l) => {
        l[at - 1] = JSON.stringify({ ...parse(l[at - 1] as string), hash: OTHER_HASH });
      },
      seq: at,
      reason: 'hash_mismatch',
    },
    {
      name: 'changed field, re-hashed',
      apply: (l) => {
        const event = parse(l[at - 1] as string);
        event.data.note = 'edited';
        l[at - 1] = rehash(event);
      },
      seq: at + 1,
      reason: 'prev_hash_mismatch',
    },
    {
      name: 'changed link, re-hashed',
      apply: (l) => {
        l[at - 1] = rehash({ ...parse(l[at - 1] as string), prev_hash: OTHER_HASH });
      },
      seq: at,
      reason: 'prev_hash_mismatch',
    },
    { name: 'removed line', apply: (l) => void l.splice(at - 1, 1), seq: at, reason: 'seq_mismatch' },
    {
      name: 'inserted line (a copy of the previous one)',
      apply: (l) => void l.splice(at - 1, 0, l[at - 2] ?? (l[0] as string)),
      // Before the first event, the copy of the first one is itself a valid first event.
      seq: at === 1 ? 2 : at,
      reason: 'seq_mismatch',
    },
    {
      name: 'reordered lines (swapped with the next)',
      apply: (l) => {
        [l[at - 1], l[at]] = [l[at] as string, l[at - 1] as string];
      },
      seq: at,
      reason: 'seq_mismatch',
    },
    {
      name: 'another tenant, re-hashed',
      apply: (l) => {
        l[at - 1] = rehash({ ...parse(l[at - 1] as string), tenant_id: 'tenant_other' });
      },
      // The first event names the tenant (none is given), so its successor is the one out of place.
      seq: at === 1 ? 2 : at,
      reason: 'wrong_tenant',
    },
    {
      name: 'not the v1 shape',
      apply: (l) => {
        const { id: _id, ...rest } = parse(l[at - 1] as string);
        l[at - 1] = JSON.stringify(rest);
      },
      seq: at,
      reason: 'malformed_event',
    },
  ];
}

/** The first and last event of every slice, and the events beside the cuts. */
const POSITIONS = [1, 2, 199, 200, 201, 202, 399, 400, 401, 599];

describe('ledger file text checked in slices', () => {
  it('an untouched file verifies, sliced or not, with the head a single pass finds', () => {
    const text = `${lines.join('\n')}\n`;
    const expected = reference(text);
    expect(expected).toMatchObject({ kind: 'chain', result: { ok: true, head: { seq: EVENTS } } });
    expect(inSlices(lines)).toEqual(expected);
    expect(inSlices(lines, [1, 2, 599])).toEqual(expected);
    expect(joinSlices(sliceAtLineEnds(text, 5).map((slice) => verifyLineSlice(slice)))).toEqual(expected);
  });

  for (const at of POSITIONS) {
    it(`every tamper class at seq ${at} is named at the right seq, as a single pass names it`, () => {
      for (const tamper of tampers(at)) {
        const edited = [...lines];
        tamper.apply(edited, at);
        const text = `${edited.join('\n')}\n`;
        const sliced = inSlices(edited);
        expect(sliced, tamper.name).toEqual(reference(text));
        expect(sliced, tamper.name).toMatchObject({
          kind: 'chain',
          result: { ok: false, first_broken_seq: tamper.seq, reason: tamper.reason },
        });
      }
    });
  }

  it('the last event of the file: changed, re-hashed, or gone', () => {
    for (const tamper of tampers(EVENTS).filter((t) => !t.name.startsWith('reordered'))) {
      const edited = [...lines];
      tamper.apply(edited, EVENTS);
      const text = `${edited.join('\n')}\n`;
      const sliced = inSlices(edited);
      expect(sliced, tamper.name).toEqual(reference(text));
      if (tamper.name === 'removed line' || tamper.name === 'changed field, re-hashed') {
        // Nothing after the last event can notice; only a known head (a signed export) reveals it.
        expect(sliced, tamper.name).toMatchObject({ kind: 'chain', result: { ok: true } });
      } else {
        expect(sliced, tamper.name).toMatchObject({ result: { ok: false, first_broken_seq: EVENTS } });
      }
    }
  });

  it('a truncated last line makes the text something other than a ledger file, as before', () => {
    const edited = [...lines];
    edited[EVENTS - 1] = (edited[EVENTS - 1] as string).slice(0, 300);
    expect(inSlices(edited)).toEqual({ kind: 'not_ledger' });
    expect(reference(`${edited.join('\n')}\n`)).toEqual({ kind: 'not_ledger' });
  });

  it('a slice whose first event carries the wrong seq but a correct link is caught at the cut', () => {
    const edited = [...lines];
    edited[200] = rehash({ ...parse(edited[200] as string), seq: 999 });
    expect(inSlices(edited)).toEqual(reference(`${edited.join('\n')}\n`));
    expect(inSlices(edited)).toMatchObject({ result: { first_broken_seq: 201, reason: 'seq_mismatch' } });
  });

  it('the first tenant decides unless one is named; a named tenant is checked in every slice', async () => {
    const text = `${lines.join('\n')}\n`;
    const other = await verifyLedgerText(text, { tenantId: 'tenant_other', workers: 1 });
    expect(other).toMatchObject({ result: { ok: false, first_broken_seq: 1, reason: 'wrong_tenant' } });
    const joined = joinSlices(
      sliceAtLineEnds(text, 3).map((slice) => verifyLineSlice(slice, 'tenant_other')),
      'tenant_other',
    );
    expect(joined).toEqual(other);
  });
});

describe('reading lines strictly without the strict parser', () => {
  it('refuses what the strict parser refuses: duplicate keys and integers past 2^53 - 1', () => {
    expect(readJsonStrictly('{"a":1,"a":2}')).toBeNull();
    expect(readJsonStrictly('{"n":9007199254740992}')).toBeNull();
    expect(readJsonStrictly('{"n":[-9007199254740993]}')).toBeNull();
    expect(readJsonStrictly('{"n":9007199254740991}')).toEqual({
      value: { n: 9007199254740991 },
      stored: true,
    });
    expect(readJsonStrictly('{"n":1e+21}')).toEqual({ value: { n: 1e21 }, stored: true });
    // Another spelling of the same value is read by the strict parser, and is not the stored form.
    expect(readJsonStrictly('{ "a": 1 }')).toEqual({ value: { a: 1 }, stored: false });
    const proto = readJsonStrictly('{"__proto__":{"x":1}}')?.value as object;
    expect(Object.getOwnPropertyDescriptor(proto, '__proto__')?.value).toEqual({ x: 1 });
    expect(Object.getPrototypeOf(proto)).toBe(Object.prototype);
  });

  it('a line with a duplicate key is not a ledger line, so the text is not a ledger file', () => {
    const edited = [...lines];
    edited[250] = (edited[250] as string).replace('{"at":', '{"v":1,"at":');
    expect(inSlices(edited)).toEqual({ kind: 'not_ledger' });
    expect(reference(`${edited.join('\n')}\n`)).toEqual({ kind: 'not_ledger' });
  });

  it('a line in another spelling is still verified (by the general canonical form)', () => {
    const edited = [...lines];
    edited[300] = JSON.stringify(parse(edited[300] as string), null, 1).replaceAll('\n', '');
    const sliced = inSlices(edited);
    expect(sliced).toEqual(reference(`${edited.join('\n')}\n`));
    expect(sliced).toMatchObject({ result: { ok: true } });
  });
});

/** Workers started from source compile their TypeScript first, slowly on a loaded machine. */
const WORKER_TEST_MS = 120_000;

describe('worker threads', () => {
  const parallel = { workers: 3, minParallelChars: 0 };

  it(
    'verify a file across three workers, and name a tamper on a slice edge',
    async () => {
      const text = `${lines.join('\n')}\n`;
      expect(await verifyLedgerText(text, parallel)).toEqual(reference(text));
      const cut = sliceAtLineEnds(text, 3)[0]?.split('\n').length ?? 0;
      // The last line of the first slice, edited: its successor (the second slice's first) links to it.
      const edited = [...lines];
      edited[cut - 2] = (edited[cut - 2] as string).replace('"note":"event', '"note":"Event');
      const tampered = `${edited.join('\n')}\n`;
      expect(sliceAtLineEnds(tampered, 3)[0]?.split('\n').length).toBe(cut);
      expect(await verifyLedgerText(tampered, parallel)).toEqual(reference(tampered));
      expect(await verifyLedgerText(tampered, parallel)).toMatchObject({
        result: { ok: false, first_broken_seq: cut - 1, reason: 'hash_mismatch' },
      });
    },
    WORKER_TEST_MS,
  );

  const failing = (name: string, code: string): URL => {
    const dir = mkdtempSync(join(tmpdir(), 'actpass-chain-worker-'));
    const file = join(dir, name);
    writeFileSync(file, code);
    return new URL(`file://${file}`);
  };

  it.each([
    ['throws', 'throw new Error("disk on fire");'],
    ['exits without a report', 'process.exit(0);'],
    [
      'answers something else',
      'import { parentPort } from "node:worker_threads"; parentPort.postMessage({ ok: true });',
    ],
  ])(
    'a worker that %s fails the verification, never passes it',
    async (_what, code) => {
      const workerScript = failing('worker.mjs', code);
      await expect(
        verifyLedgerText(`${lines.join('\n')}\n`, { ...parallel, workerScript }),
      ).rejects.toBeInstanceOf(ChainVerificationFailedError);
    },
    WORKER_TEST_MS,
  );
});
