/**
 * JCS (RFC 8785) text of ledger events, specialised for what events hold. Chain verification hashes
 * every event, so this is the hot path of `verifyChain` and of every append.
 *
 * It produces exactly the text `canonicalize` from `@actpass/sdk/canonical` produces (the ledger tests
 * compare both on every vector and on random values) and does all of the same work on every call; it
 * is faster only in how that work is done:
 *   - strings go through `JSON.stringify`, whose escaping is JCS's; the scan for lone surrogates (which
 *     have no canonical form) runs only when the output shows an escape at all;
 *   - object members are checked for sorted order first and sorted only when they are not: events are
 *     re-parsed from their canonical text when sealed, so stored events are already in order, and then
 *     `data` is written by one native `JSON.stringify`, whose output is the JCS text exactly when every
 *     object's members are in order and every value is plain JSON (checked first, see `data`);
 *   - the envelope's eight members are written in their fixed sorted order.
 * Anything it is not sure about (a non-plain object, a non-finite number, a lone surrogate, a cycle)
 * goes to the general canonicalizer, which throws the precise error.
 *
 * Events sealed by `canonicalCopy` are remembered (a WeakSet, so nothing is kept alive): they were
 * built member by member in JCS order and deep-frozen as they were built, so their order cannot have
 * changed and the walk that proves it is skipped. Their text is still written and hashed on every
 * verification; only the order proof is known in advance. Events from anywhere else (a file, a
 * database row, an export) get the whole walk.
 */
import { canonicalize } from '@actpass/sdk/canonical';
import type { LedgerEvent, UnsealedEvent } from './event.js';

const UNSEALED_MEMBERS = 8;
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;
/** Deeper than any event the gateway writes; past it the general path (with its own limit) decides. */
const MAX_FAST_DEPTH = 128;
const NOT_FAST = Symbol('not on the fast path');

/** JCS text of the event without `hash`. */
export function canonicalEventText(event: UnsealedEvent | LedgerEvent): string {
  const e = event as LedgerEvent;
  if (SEALED_IN_ORDER.has(e)) {
    const sealed = sealedEventText(e);
    if (sealed !== undefined) return sealed;
  }
  if (!isPlainEnvelope(e)) {
    const { hash: _ignored, ...unsealed } = e;
    return canonicalize(unsealed);
  }
  const whole = wholeEventText(e);
  if (whole !== undefined) return whole;
  try {
    return (
      `{"at":${text(e.at)},"data":${data(e.data)},"id":${text(e.id)}` +
      `,"prev_hash":${text(e.prev_hash)},"seq":${number(e.seq)}` +
      `,"tenant_id":${text(e.tenant_id)},"type":${text(e.type)},"v":${number(e.v)}}`
    );
  } catch (error) {
    if (error !== NOT_FAST) throw error;
    const { hash: _ignored, ...unsealed } = e;
    return canonicalize(unsealed);
  }
}

function isPlainEnvelope(e: LedgerEvent): boolean {
  if (Object.getPrototypeOf(e) !== Object.prototype) return false;
  const members = Object.keys(e).length - (Object.hasOwn(e, 'hash') ? 1 : 0);
  return (
    members === UNSEALED_MEMBERS &&
    Object.hasOwn(e, 'at') &&
    Object.hasOwn(e, 'data') &&
    Object.hasOwn(e, 'id') &&
    Object.hasOwn(e, 'prev_hash') &&
    Object.hasOwn(e, 'seq') &&
    Object.hasOwn(e, 'tenant_id') &&
    Object.hasOwn(e, 'type') &&
    Object.hasOwn(e, 'v')
  );
}

/** Frozen events this module built in JCS member order (see the header). */
const SEALED_IN_ORDER = new WeakSet<object>();

/**
 * A sealed event's text: its own members are in JCS order with `hash` last, so one `JSON.stringify`
 * of the event writes the canonical text followed by the hash member, which is cut off.
 */
function sealedEventText(e: LedgerEvent): string | undefined {
  const out = JSON.stringify(e);
  const hashMember = `,"hash":${JSON.stringify(e.hash)}}`;
  if (!out.endsWith(hashMember)) return undefined;
  return `${out.slice(0, out.length - hashMember.length)}}`;
}

/**
 * The common case in one native call: string envelope members, finite numbers, and data whose objects
 * are already in sorted order (every stored event) are written by `JSON.stringify` of the envelope
 * rebuilt in its sorted member order. Undefined when anything needs the member-by-member writer.
 */
function wholeEventText(e: LedgerEvent): string | undefined {
  if (
    typeof e.at !== 'string' ||
    typeof e.id !== 'string' ||
    typeof e.prev_hash !== 'string' ||
    typeof e.tenant_id !== 'string' ||
    typeof e.type !== 'string' ||
    !Number.isFinite(e.seq) ||
    !Number.isFinite(e.v) ||
    typeof e.data !== 'object' ||
    e.data === null ||
    !stringifiesCanonically(e.data, 0)
  ) {
    return undefined;
  }
  const out = JSON.stringify({
    at: e.at,
    data: e.data,
    id: e.id,
    prev_hash: e.prev_hash,
    seq: e.seq,
    tenant_id: e.tenant_id,
    type: e.type,
    v: e.v,
  });
  // An unpaired surrogate comes out as a `\\udXXX` escape; let the exact writer decide about it.
  return out.includes('\\ud') ? undefined : out;
}

/**
 * The data object's text. When every object in it already has its members in sorted order and holds
 * only plain JSON values, `JSON.stringify` writes exactly the JCS text (same member order, same number
 * and string forms) in one native call; the walk that establishes this builds no strings. Otherwise
 * the member-by-member writer below does it.
 */
function data(d: unknown): string {
  if (typeof d === 'object' && d !== null && stringifiesCanonically(d, 0)) {
    const out = JSON.stringify(d);
    // An unpaired surrogate comes out as a `\udXXX` escape; let the exact writer decide about it.
    if (!out.includes('\\ud')) return out;
  }
  return value(d, 0);
}

/** True when `JSON.stringify(v)` writes v's JCS text, lone surrogates aside (see `data`). */
export function stringifiesCanonically(v: unknown, depth = 0): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object': {
      if (v === null) return true;
      if (depth >= MAX_FAST_DEPTH) return false;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) return false;
        for (let index = 0; index < v.length; index++) {
          if (!stringifiesCanonically(v[index], depth + 1)) return false;
        }
        return true;
      }
      if (Object.getPrototypeOf(v) !== Object.prototype) return false;
      if (Object.getOwnPropertySymbols(v).length > 0) return false;
      const keys = Object.keys(v);
      for (let index = 0; index < keys.length; index++) {
        const key = keys[index] as string;
        if (index > 0 && (keys[index - 1] as string) > key) return false;
        if (!stringifiesCanonically((v as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return true;
    }
    default:
      return false;
  }
}

function value(v: unknown, depth: number): string {
  switch (typeof v) {
    case 'string':
      return text(v);
    case 'number':
      return number(v);
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object':
      if (v === null) return 'null';
      if (depth >= MAX_FAST_DEPTH) throw NOT_FAST;
      return Array.isArray(v) ? array(v, depth + 1) : object(v, depth + 1);
    default:
      throw NOT_FAST;
  }
}

function text(s: unknown): string {
  if (typeof s !== 'string') return value(s, 0);
  const out = JSON.stringify(s);
  // Well-formed JSON.stringify writes a surrogate as `\udXXX` only when it is unpaired; any escape
  // at all makes the output longer than the string plus its quotes, so most strings skip the scan.
  if (out.length !== s.length + 2 && LONE_SURROGATE.test(s)) throw NOT_FAST;
  return out;
}

function number(n: unknown): string {
  if (typeof n !== 'number') return value(n, 0);
  if (!Number.isFinite(n)) throw NOT_FAST;
  return String(n);
}

function array(items: unknown[], depth: number): string {
  if (Object.getPrototypeOf(items) !== Array.prototype) throw NOT_FAST;
  let out = '[';
  for (let index = 0; index < items.length; index++) {
    if (index > 0) out += ',';
    out += value(items[index], depth);
  }
  return `${out}]`;
}

function object(o: object, depth: number): string {
  const proto = Object.getPrototypeOf(o);
  if (proto !== Object.prototype && proto !== null) throw NOT_FAST;
  if (Object.getOwnPropertySymbols(o).length > 0) throw NOT_FAST;
  const record = o as Record<string, unknown>;
  const keys = Object.keys(record);
  if (!isSorted(keys)) keys.sort();
  let out = '{';
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index] as string;
    if (index > 0) out += ',';
    out += `${text(key)}:${value(record[key], depth)}`;
  }
  return `${out}}`;
}

/** JCS orders members by UTF-16 code units, which is what `<` on strings compares. */
function isSorted(keys: string[]): boolean {
  for (let index = 1; index < keys.length; index++) {
    if ((keys[index - 1] as string) > (keys[index] as string)) return false;
  }
  return true;
}

/**
 * For sealing a new event: a deep copy of `unsealed` with every object's members inserted in JCS
 * order (and `-0` written as `0`, as the canonical text has it) together with its canonical text,
 * which one `JSON.stringify` of the copy then writes exactly. The copy is what `JSON.parse` of that
 * text would give, so it can be the stored event. Undefined when the event holds anything that is not
 * plain JSON, or an unpaired surrogate: the caller then takes the general path, which names the problem.
 */
export function canonicalCopy(unsealed: UnsealedEvent): { copy: LedgerEvent; text: string } | undefined {
  if (!isPlainEnvelope(unsealed as LedgerEvent) || Object.hasOwn(unsealed, 'hash')) return undefined;
  let copy: LedgerEvent;
  try {
    copy = sortedCopy(unsealed, 0) as LedgerEvent;
  } catch (error) {
    if (error === NOT_FAST) return undefined;
    throw error;
  }
  const text = JSON.stringify(copy);
  return text.includes('\\ud') ? undefined : { copy, text };
}

/**
 * Seals what `canonicalCopy` returned: sets `hash` (the last member, after the sorted ones), freezes
 * the envelope (every member below it was frozen as it was copied) and remembers the event as built
 * in order.
 */
export function sealCopy(copy: LedgerEvent, hash: string): LedgerEvent {
  copy.hash = hash;
  Object.freeze(copy);
  SEALED_IN_ORDER.add(copy);
  return copy;
}

function sortedCopy(v: unknown, depth: number): unknown {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v;
    case 'number':
      if (!Number.isFinite(v)) throw NOT_FAST;
      return v === 0 ? 0 : v;
    case 'object': {
      if (v === null) return null;
      if (depth >= MAX_FAST_DEPTH) throw NOT_FAST;
      if (Array.isArray(v)) {
        if (Object.getPrototypeOf(v) !== Array.prototype) throw NOT_FAST;
        const items = new Array(v.length);
        for (let index = 0; index < v.length; index++) {
          if (!(index in v)) throw NOT_FAST;
          items[index] = sortedCopy(v[index], depth + 1);
        }
        return Object.freeze(items);
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) throw NOT_FAST;
      if (Object.getOwnPropertySymbols(v).length > 0) throw NOT_FAST;
      const keys = Object.keys(v);
      if (!isSorted(keys)) keys.sort();
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        // An integer-like key is enumerated before the others whatever the insertion order, and
        // `__proto__` would set the prototype: both take the general path.
        if (key === '__proto__' || startsWithDigit(key)) throw NOT_FAST;
        out[key] = sortedCopy((v as Record<string, unknown>)[key], depth + 1);
      }
      // Frozen as built, so sealing needs no second walk; the envelope (depth 0) gets its hash first.
      return depth === 0 ? out : Object.freeze(out);
    }
    default:
      throw NOT_FAST;
  }
}

function startsWithDigit(key: string): boolean {
  const code = key.charCodeAt(0);
  return code >= 48 && code <= 57;
}
