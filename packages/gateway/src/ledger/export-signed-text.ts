/**
 * The bytes an evidence export's signature covers (the JCS canonical form of the export without
 * `signature`), written by one native `JSON.stringify` instead of the general canonicaliser, which is
 * several times slower and dominated the verification of large exports.
 *
 * `JSON.stringify` writes exactly the JCS text of a value whose objects all have their members in
 * sorted order and which holds only plain JSON (finite numbers, no lone surrogates). The export is
 * rebuilt with its known members in sorted order, the rebuilt value is walked to prove the rest (the
 * events' `data` objects), and any member the v1 format does not have, anywhere, sends the export to
 * the general canonicaliser, which then gives the same bytes or the precise error.
 */
import { canonicalBytes } from '@actpass/sdk/canonical';
import { stringifiesCanonically } from './canonical.js';
import type { LedgerEvent } from './event.js';

const EXPORT_MEMBERS = ['events', 'exported_at', 'format', 'head', 'signature', 'tenant_id'];
const EVENT_MEMBERS = 9;
const HEAD_MEMBERS = 2;

/** Canonical bytes of `exported` without its `signature` member. */
export function signedExportBytes(exported: Record<string, unknown>): Uint8Array {
  const text = fastSignedText(exported);
  if (text !== undefined) return Buffer.from(text, 'utf8');
  const { signature: _ignored, ...unsigned } = exported;
  return canonicalBytes(unsigned);
}

function fastSignedText(exported: Record<string, unknown>): string | undefined {
  if (!hasExactly(exported, EXPORT_MEMBERS.length, EXPORT_MEMBERS)) return undefined;
  const head = exported.head as Record<string, unknown>;
  if (!hasExactly(head, HEAD_MEMBERS, ['hash', 'seq'])) return undefined;
  const events = exported.events;
  if (!Array.isArray(events) || Object.getPrototypeOf(events) !== Array.prototype) return undefined;
  const sorted = new Array(events.length);
  for (let index = 0; index < events.length; index++) {
    const e = events[index] as LedgerEvent;
    if (typeof e !== 'object' || e === null || Object.getPrototypeOf(e) !== Object.prototype)
      return undefined;
    if (Object.keys(e).length !== EVENT_MEMBERS) return undefined;
    // The members in JCS order; a missing one would make the count above wrong, an extra one too.
    sorted[index] = {
      at: e.at,
      data: e.data,
      hash: e.hash,
      id: e.id,
      prev_hash: e.prev_hash,
      seq: e.seq,
      tenant_id: e.tenant_id,
      type: e.type,
      v: e.v,
    };
    if (!hasExactly(e, EVENT_MEMBERS, Object.keys(sorted[index]))) return undefined;
  }
  const unsigned = {
    events: sorted,
    exported_at: exported.exported_at,
    format: exported.format,
    head: { hash: head.hash, seq: head.seq },
    tenant_id: exported.tenant_id,
  };
  if (!stringifiesCanonically(unsigned)) return undefined;
  const text = JSON.stringify(unsigned);
  // An unpaired surrogate is written as a `\udXXX` escape; the general canonicaliser rejects it.
  return text.includes('\\ud') ? undefined : text;
}

/** A plain object with exactly `count` own enumerable members, all of them in `names`, no symbols. */
function hasExactly(value: unknown, count: number, names: readonly string[]): boolean {
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return false;
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  const keys = Object.keys(value);
  if (keys.length !== count) return false;
  for (const name of names) if (!Object.hasOwn(value, name)) return false;
  return true;
}
