/**
 * Verifies the text of a ledger file (one event per line), spreading large files over worker threads.
 *
 * The text is cut at line ends into one slice per worker; each worker reads its lines and checks every
 * event's hash and every link inside its slice (verify-lines.ts). This thread then checks what no
 * worker could: that each slice's first event has the next seq, the tenant, and the link to the
 * previous slice's last hash. The checks run in the order a single pass makes them (shape, tenant,
 * seq, link, hash), so the answer, including the seq and reason of the first break, is the one
 * `verifyChain` gives on the same events. Small texts are checked in this thread: starting a worker
 * costs more than hashing a few thousand events.
 *
 * Fails closed: a worker that errors, exits early or answers with anything but a report rejects the
 * whole verification (`ChainVerificationFailedError`); no partial answer is ever read as verified.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { GENESIS_HASH } from '../constants.js';
import type { LedgerHead } from './event.js';
import type { VerifyChainResult } from './verify.js';
import { type LineSliceReport, verifyLineSlice } from './verify-lines.js';

/**
 * Below this many characters (about 16,000 decision events, a few hundred milliseconds in one thread)
 * starting workers and copying their slices to them gains too little to be worth it.
 */
export const PARALLEL_VERIFY_MIN_CHARS = 16 * 1024 * 1024;
/** More workers than this gains little: the slices are joined in this thread, one after another. */
export const PARALLEL_VERIFY_MAX_WORKERS = 8;

export interface VerifyLedgerTextOptions {
  /** When given, every event must belong to this tenant. */
  tenantId?: string;
  /** Worker threads to use (default: the available cores, at most 8); 1 checks in this thread. */
  workers?: number;
  /** Texts shorter than this are checked in this thread (default `PARALLEL_VERIFY_MIN_CHARS`). */
  minParallelChars?: number;
  /** The worker script (tests substitute a failing one); default chain-worker next to this module. */
  workerScript?: URL;
}

/**
 * `not_ledger`: some line is not a ledger event, or there is none, so the text is something else; when
 * the text is one line of strict JSON (a compact export), `json` is its value.
 */
export type LedgerTextResult =
  | { kind: 'not_ledger'; json?: unknown }
  | { kind: 'chain'; result: VerifyChainResult };

export class ChainVerificationFailedError extends Error {
  override readonly name = 'ChainVerificationFailedError';
}

export async function verifyLedgerText(
  text: string,
  options: VerifyLedgerTextOptions = {},
): Promise<LedgerTextResult> {
  const workers = Math.min(
    Math.max(1, Math.floor(options.workers ?? availableParallelism())),
    PARALLEL_VERIFY_MAX_WORKERS,
  );
  const slices =
    workers > 1 && text.length >= (options.minParallelChars ?? PARALLEL_VERIFY_MIN_CHARS)
      ? sliceAtLineEnds(text, workers)
      : [text];
  if (slices.length === 1) return verifyLedgerTextInThread(text, options.tenantId);
  const script = options.workerScript ?? defaultWorkerScript();
  const reports = await Promise.all(slices.map((slice) => inWorker(slice, options.tenantId, script)));
  return joinSlices(reports, options.tenantId);
}

/** The same verification in this thread only (what small texts get). */
export function verifyLedgerTextInThread(text: string, tenantId?: string): LedgerTextResult {
  return joinSlices([verifyLineSlice(text, tenantId)], tenantId);
}

/** Cuts `text` into about `count` slices of whole lines (each cut is just after a newline). */
export function sliceAtLineEnds(text: string, count: number): string[] {
  const slices: string[] = [];
  let start = 0;
  for (let index = 1; index < count && start < text.length; index++) {
    const newline = text.indexOf('\n', Math.max(start, Math.floor((text.length * index) / count)));
    if (newline === -1) break;
    slices.push(text.slice(start, newline + 1));
    start = newline + 1;
  }
  if (start < text.length) slices.push(text.slice(start));
  return slices;
}

/**
 * Joins the slices' reports in order. Each slice's first event gets the checks only the previous
 * slices can make, in the single-pass order; a break inside a slice counts once everything before it
 * is verified, and then its seq is the chain's own (the slice's first seq was just confirmed).
 */
export function joinSlices(reports: readonly LineSliceReport[], tenantId?: string): LedgerTextResult {
  const notLedger = reports.find((report) => report.notLedger);
  if (notLedger) {
    return 'onlyValue' in notLedger && reports.length === 1
      ? { kind: 'not_ledger', json: notLedger.onlyValue }
      : { kind: 'not_ledger' };
  }
  if (reports.every((report) => report.events === 0)) return { kind: 'not_ledger' };
  let head: LedgerHead = { seq: 0, hash: GENESIS_HASH };
  let tenant = tenantId;
  const broken = (
    seq: number,
    reason: 'malformed_event' | 'wrong_tenant' | 'seq_mismatch' | 'prev_hash_mismatch',
    message: string,
  ): LedgerTextResult => ({
    kind: 'chain',
    result: { ok: false, first_broken_seq: seq, reason, message },
  });
  for (const report of reports) {
    if (report.events === 0) continue;
    const seq = head.seq + 1;
    const first = report.first;
    if (!first) return broken(seq, 'malformed_event', 'event does not have the v1 shape');
    tenant ??= first.tenant_id;
    if (first.tenant_id !== tenant) return broken(seq, 'wrong_tenant', 'event of another tenant');
    if (first.seq !== seq) return broken(seq, 'seq_mismatch', `expected seq ${seq}, found ${first.seq}`);
    if (first.prev_hash !== head.hash) {
      return broken(seq, 'prev_hash_mismatch', 'prev_hash does not match the previous event');
    }
    if (report.broken) return { kind: 'chain', result: report.broken };
    if (!report.head) throw new ChainVerificationFailedError('a slice reported neither a break nor a head');
    head = report.head;
  }
  return { kind: 'chain', result: { ok: true, head } };
}

/**
 * The worker script as built (dist/chain-worker.js beside the bundle) or, when running from source,
 * the TypeScript file, loaded through tsx as the rest of the source is.
 */
function defaultWorkerScript(): URL {
  const here = import.meta.url;
  return here.endsWith('.ts') ? new URL('./chain-worker.ts', here) : new URL('./chain-worker.js', here);
}

/**
 * From source (tests, `tsx`), the worker first registers tsx in its own thread (Node 20 does not pass
 * a parent's module hooks on to workers), then loads the TypeScript worker.
 */
function sourceBootstrap(script: URL): URL {
  const tsx = tsxEsmApi();
  const code = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(script.href)});`;
  return new URL(`data:text/javascript,${encodeURIComponent(code)}`);
}

/** tsx's ESM register API as an import would resolve it (`require.resolve` gives its CommonJS twin). */
function tsxEsmApi(): string {
  const manifest = createRequire(import.meta.url).resolve('tsx/package.json');
  const exports = JSON.parse(readFileSync(manifest, 'utf8')).exports as Record<
    string,
    { import: { default: string } }
  >;
  return new URL(exports['./esm/api']?.import.default ?? './dist/esm/api/index.mjs', pathToFileURL(manifest))
    .href;
}

function inWorker(slice: string, tenantId: string | undefined, script: URL): Promise<LineSliceReport> {
  return new Promise((resolve, reject) => {
    const fromSource = script.pathname.endsWith('.ts');
    let worker: Worker;
    try {
      worker = new Worker(fromSource ? sourceBootstrap(script) : script, {
        workerData: { text: slice, tenantId },
      });
    } catch (error) {
      reject(
        new ChainVerificationFailedError(
          `could not start a verification worker: ${(error as Error).message}`,
        ),
      );
      return;
    }
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      void worker.terminate();
      reject(new ChainVerificationFailedError(`a verification worker failed: ${why}`));
    };
    worker.once('message', (message: unknown) => {
      if (!isSliceReport(message)) return fail('it answered something other than a report');
      settled = true;
      resolve(message);
      void worker.terminate();
    });
    worker.once('error', (error) => fail(error.message));
    worker.once('exit', (code) => fail(`it exited (code ${code}) before reporting`));
  });
}

function isSliceReport(value: unknown): value is LineSliceReport {
  if (typeof value !== 'object' || value === null) return false;
  const report = value as Partial<LineSliceReport>;
  return (
    Number.isSafeInteger(report.events) &&
    typeof report.notLedger === 'boolean' &&
    (report.broken === null || (typeof report.broken === 'object' && report.broken.ok === false)) &&
    (report.head === null || typeof report.head === 'object')
  );
}
