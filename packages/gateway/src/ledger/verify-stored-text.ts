/**
 * The canonical text of an event straight from the line it was stored as, with no re-serialisation.
 *
 * Every writer stores `JSON.stringify` of a sealed event, whose members are in JCS order with `hash`
 * last. When a line is byte for byte `JSON.stringify` of the event parsed from it (the caller checks
 * this), the event's own members are exactly in that order and every object in `data` has its members
 * sorted and holds only plain JSON, then the line minus its trailing hash member IS the canonical text:
 * the very bytes that were hashed when the event was sealed. Anything else returns undefined and the
 * caller hashes the general canonical form instead, which gives the same answer by the longer road.
 */
import { stringifiesCanonically } from './canonical.js';
import type { LedgerEvent } from './event.js';

/** The sealed member order: the eight hashed members sorted as JCS sorts them, then `hash`. */
const STORED_ORDER = ['at', 'data', 'id', 'prev_hash', 'seq', 'tenant_id', 'type', 'v', 'hash'];

/**
 * `event` has already passed the v1 shape check (string members, integer `seq`, object `data`, a hex
 * `hash`) and `line === JSON.stringify(event)`. Returns the canonical text without `hash`, or undefined.
 */
export function storedCanonicalText(event: LedgerEvent, line: string): string | undefined {
  if (Object.getPrototypeOf(event) !== Object.prototype) return undefined;
  const keys = Object.keys(event);
  if (keys.length !== STORED_ORDER.length) return undefined;
  for (let index = 0; index < keys.length; index++) {
    if (keys[index] !== STORED_ORDER[index]) return undefined;
  }
  if (!stringifiesCanonically(event.data)) return undefined;
  // An unpaired surrogate is written as a `\udXXX` escape and has no canonical form at all.
  if (line.includes('\\ud')) return undefined;
  // `hash` is 64 lower-case hex digits, so its member is written without escapes.
  const hashMember = `,"hash":"${event.hash}"}`;
  if (!line.endsWith(hashMember)) return undefined;
  return `${line.slice(0, line.length - hashMember.length)}}`;
}
