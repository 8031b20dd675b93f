import { canonicalize } from '@actpass/sdk/canonical';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/crypto/index.js';
import { sealEvent } from '../../src/ledger/event.js';
import { canonicalEventText, hashEvent, type LedgerEvent } from '../../src/ledger/index.js';

const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
const event = fc.record({
  v: fc.constant(1 as const),
  seq: fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
  id: fc.string(),
  tenant_id: fc.string({ unit: 'binary' }),
  type: fc.string(),
  at: fc.string(),
  data: fc.dictionary(fc.string({ unit: 'binary' }), fc.jsonValue() as fc.Arbitrary<never>),
  prev_hash: hex64,
  hash: hex64,
});

describe('canonicalEventText', () => {
  it('equals JCS of the event without hash, for any event', () => {
    fc.assert(
      fc.property(event, (e) => {
        const { hash: _h, ...rest } = e;
        const text = (() => {
          try {
            return canonicalize(rest);
          } catch (error) {
            return error instanceof Error ? error.name : 'error';
          }
        })();
        const fast = (() => {
          try {
            return canonicalEventText(e as LedgerEvent);
          } catch (error) {
            return error instanceof Error ? error.name : 'error';
          }
        })();
        expect(fast).toBe(text);
      }),
      { numRuns: 500 },
    );
  });

  it('equals JCS for stored events too (members already sorted), whatever strings they hold', () => {
    const awkward = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('\\ud800', 'a\\\\ud83d', '\ud800', '\udfff', '\u2028', '\u0000', '"\\'),
    );
    const value = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        awkward,
        fc.double(),
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.constant(-0),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(awkward, tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(event, fc.dictionary(awkward, value), (e, raw) => {
        // What a store holds: data re-parsed from its canonical text when it has one, as-is otherwise.
        let data: unknown = raw;
        try {
          data = JSON.parse(canonicalize(raw));
        } catch {
          // no canonical form: both must refuse alike
        }
        const sealed = { ...e, data } as LedgerEvent;
        const { hash: _h, ...rest } = sealed;
        const outcome = (make: () => string) => {
          try {
            return make();
          } catch (error) {
            return error instanceof Error ? `${error.name}: ${error.message}` : 'error';
          }
        };
        expect(outcome(() => canonicalEventText(sealed))).toBe(outcome(() => canonicalize(rest)));
      }),
      { numRuns: 1000 },
    );
  });

  it('seals any event to the JCS text and hash, holding exactly what that text parses to', () => {
    const keyish = fc.oneof(
      fc.string({ unit: 'binary' }),
      fc.constantFrom('10', '9', '0', '01', '__proto__', '\ud800', 'a\\ud83d', '\u{1F600}', 'é'),
    );
    const json = fc.letrec((tie) => ({
      value: fc.oneof(
        { depthSize: 'small' },
        keyish,
        fc.double(),
        fc.integer(),
        fc.constant(-0),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(keyish, tie('value'), { maxKeys: 5 }),
      ),
    })).value;
    fc.assert(
      fc.property(event, fc.dictionary(keyish, json), (e, data) => {
        const { hash: _h, ...unsealed } = { ...e, data };
        let expected: string;
        try {
          expected = canonicalize(unsealed);
        } catch (error) {
          expect(() => sealEvent(unsealed as never)).toThrow((error as Error).message);
          return;
        }
        const sealed = sealEvent(unsealed as never);
        expect(sealed.hash).toBe(sha256Hex(expected));
        expect(JSON.stringify(sealed)).toBe(JSON.stringify({ ...JSON.parse(expected), hash: sealed.hash }));
        expect(canonicalEventText(sealed)).toBe(expected);
      }),
      { numRuns: 1000 },
    );
  });

  it('sealed events are frozen all the way down, and what is known of their order stays with them', () => {
    const sealed = sealEvent({
      v: 1,
      seq: 1,
      id: 'ev_1',
      tenant_id: 't',
      type: 'decision',
      at: '2026-01-01T00:00:00.000Z',
      data: { z: { b: [1, { d: 1, c: 2 }], a: 1 }, a: 'x' },
      prev_hash: '0'.repeat(64),
    });
    const nested = sealed.data.z as { b: [number, Record<string, number>] };
    for (const part of [sealed, sealed.data, sealed.data.z, nested.b, nested.b[1]]) {
      expect(Object.isFrozen(part)).toBe(true);
    }
    expect(() => {
      (nested.b[1] as Record<string, number>).c = 3;
    }).toThrow(TypeError);
    // A copy is not the sealed object: members out of order are found and sorted, and a changed value
    // changes the text, so the copy no longer matches the sealed hash.
    const copy = { ...sealed, data: { a: 'x', z: { a: 1, b: [1, { c: 2, d: 1 }] } } } as LedgerEvent;
    expect(canonicalEventText(copy)).toBe(canonicalEventText(sealed));
    const reordered = { ...sealed, data: { z: { b: [1, { d: 1, c: 2 }], a: 1 }, a: 'x' } } as LedgerEvent;
    expect(canonicalEventText(reordered)).toBe(canonicalEventText(sealed));
    const changed = { ...sealed, data: { ...sealed.data, a: 'y' } } as LedgerEvent;
    expect(hashEvent(changed)).not.toBe(sealed.hash);
    expect(hashEvent(sealed)).toBe(sealed.hash);
  });

  it('takes the general path for anything that is not exactly an event envelope', () => {
    const base = { v: 1, seq: 1, id: 'ev_1', tenant_id: 't', type: 'x', at: 'now', data: {}, prev_hash: '0' };
    for (const odd of [
      { ...base, extra: true },
      { ...base, seq: '1' },
      { ...base, v: undefined },
    ]) {
      const { ...rest } = odd as Record<string, unknown>;
      const expected = (() => {
        try {
          return canonicalize(rest);
        } catch {
          return 'throws';
        }
      })();
      const got = (() => {
        try {
          return canonicalEventText(odd as never);
        } catch {
          return 'throws';
        }
      })();
      expect(got).toBe(expected);
    }
    expect(hashEvent({ ...base, hash: 'x' } as never)).toBe(hashEvent(base as never));
  });
});
