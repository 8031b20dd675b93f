/**
 * Verification of a ledger file's text (one event per line, as the gateway writes it), one slice of
 * lines at a time, so that slices can be checked apart (in worker threads) and joined afterwards.
 *
 * Lines are read strictly (no duplicate keys, no integer beyond ±(2^53-1)), as `parseJsonStrict` does,
 * but without running that parser on the common line: a line that is byte for byte `JSON.stringify` of
 * what `JSON.parse` made of it cannot have held a duplicate key (the second would be missing from the
 * output), so the native parser's value is the strict parser's value unless an integer literal is too
 * large, which is looked for. Such a line is also hashed as stored (see verify-stored-text.ts). Any
 * other line goes through the strict parser and the general hash, exactly as before.
 */
import { parseJsonStrict } from '@actpass/sdk/canonical';
import type { LedgerHead } from './event.js';
import { type ChainBreak, ChainVerifier } from './verify.js';

/** What one slice of lines showed. Positions are the chain's seq numbers, as the slice counted them. */
export interface LineSliceReport {
  /** Non-blank lines, each one event. */
  events: number;
  /** Some line is not a ledger event (not strict JSON, or not an object with `seq` and `prev_hash`). */
  notLedger: boolean;
  /**
   * When the slice is one line of strict JSON that is not an event (a compact evidence export), its
   * value, so the caller need not parse it a second time.
   */
  onlyValue?: unknown;
  /**
   * The first event's members that only the previous slice can judge (seq, tenant, link); absent when
   * the slice is empty or its first event does not have the v1 shape.
   */
  first?: { seq: number; tenant_id: string; prev_hash: string };
  /** The first break inside the slice. */
  broken: ChainBreak | null;
  /** The last event's seq and hash when the slice has no break. */
  head: LedgerHead | null;
}

/** A line read strictly: the value, and whether the line is exactly its `JSON.stringify`. */
interface ReadLine {
  value: unknown;
  stored: boolean;
}

/**
 * Checks every event of `text` (a whole number of lines) against the one before it in the slice; the
 * first event's seq and link are left to the caller (`first`). Every line is still read after a break,
 * since a line that is not an event makes the whole text something other than a ledger file.
 */
export function verifyLineSlice(text: string, tenantId?: string): LineSliceReport {
  const verifier = new ChainVerifier({ slice: true, ...(tenantId !== undefined ? { tenantId } : {}) });
  const report: LineSliceReport = {
    events: 0,
    notLedger: false,
    broken: null,
    head: null,
  };
  let last: LedgerHead | null = null;
  const lines = text.split('\n');
  for (const line of lines) {
    if (line.trim() === '') continue;
    const read = readJsonStrictly(line);
    if (!read || !isLedgerLine(read.value)) {
      report.notLedger = true;
      if (read && report.events === 0 && lines.filter((other) => other.trim() !== '').length === 1) {
        report.onlyValue = read.value;
      }
      return report;
    }
    report.events += 1;
    if (report.broken) continue;
    const event = read.value as Record<string, unknown>;
    const broken = read.stored ? verifier.pushStored(event, line) : verifier.push(event);
    if (report.events === 1 && (broken === null || broken.reason !== 'malformed_event')) {
      report.first = {
        seq: event.seq as number,
        tenant_id: event.tenant_id as string,
        prev_hash: event.prev_hash as string,
      };
    }
    if (broken) report.broken = broken;
    else {
      last = { seq: event.seq as number, hash: event.hash as string };
    }
  }
  report.head = report.broken ? null : last;
  return report;
}

function isLedgerLine(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'prev_hash' in value && 'seq' in value;
}

/**
 * `parseJsonStrict`'s value for `line`, or null where it would throw; `stored` when the line is exactly
 * `JSON.stringify` of that value (the native parser then did the work).
 */
export function readJsonStrictly(line: string): ReadLine | null {
  try {
    const value: unknown = JSON.parse(line);
    if (JSON.stringify(value) === line && !(HAS_LONG_DIGIT_RUN.test(line) && holdsUnsafeInteger(value))) {
      return { value, stored: true };
    }
  } catch {
    // Not JSON for the native parser either; the strict parser below gives the same answer.
  }
  try {
    return { value: parseJsonStrict(line), stored: false };
  } catch {
    return null;
  }
}

/** An integer past ±(2^53-1) is at least 16 digits long; most lines have no such run at all. */
const HAS_LONG_DIGIT_RUN = /\d{16}/;
/** `JSON.stringify` writes integers below 1e21 as plain digits, so the line held an integer literal. */
const EXPONENT_FORM = 1e21;

function holdsUnsafeInteger(value: unknown): boolean {
  if (typeof value === 'number') {
    return Number.isInteger(value) && !Number.isSafeInteger(value) && Math.abs(value) < EXPONENT_FORM;
  }
  if (typeof value !== 'object' || value === null) return false;
  for (const item of Object.values(value)) if (holdsUnsafeInteger(item)) return true;
  return false;
}
