/**
 * The ledger in memory: sequential append and `verifyChain`, with its two costs measured alone; and
 * the same chain as a ledger file's text, as `actpass ledger verify` reads it (every line parsed,
 * checked to be what was written, hashed), in one thread and spread over worker threads.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { canonicalize } from '@actpass/sdk/canonical';
import { sha256Hex } from '../../src/crypto/index.js';
import { canonicalEventText } from '../../src/ledger/event.js';
import { type LedgerEvent, MemoryLedgerStore, verifyChain } from '../../src/ledger/index.js';
import {
  PARALLEL_VERIFY_MAX_WORKERS,
  verifyLedgerText,
  verifyLedgerTextInThread,
} from '../../src/ledger/verify-file-text.js';
import { cpuSeconds } from './stats.js';

export const LEDGER_EVENTS = 20_000;
/**
 * The worker as shipped (the report builds first). From source each worker would compile its
 * TypeScript on start, which is not what a user's `actpass ledger verify` pays.
 */
const BUILT_WORKER = new URL('../../dist/chain-worker.js', import.meta.url);

export interface LedgerResult {
  events: number;
  /** bytes of one event's canonical text */
  bytes: number;
  /** events per CPU-second, one sample per round */
  append: number[];
  verify: number[];
  verifyGeneral: number[];
  canonicalOnly: number[];
  hashOnly: number[];
  /** the chain as ledger file text, one thread: events per CPU-second (absent in older results) */
  fileText?: number[];
  /** the same on worker threads (one per core): events per wall-clock second */
  fileTextWorkers?: number[];
  /** worker threads used for `fileTextWorkers` */
  workers?: number;
}

/** A representative decision event's data (also used by the Python canonicalizer comparison). */
export const eventData = (i: number) => ({
  request_id: `req_${i}`,
  decision: 'allow',
  reason_code: 'refund.small_in_scope',
  risk_tier: 'low',
  mode: 'enforce',
  enforced: true,
  action_hash: 'a3f1c2d4e5b6a7980123456789abcdef0123456789abcdef0123456789abcdef',
  action: {
    tenant_id: 'tenant_bench',
    agent_id: 'bench_agent',
    user_id: null,
    goal: 'resolve_refund_request',
    tool: 'stripe.refund.create',
    resource: 'stripe:charge:ch_1',
    args: { amount: i % 10_000, currency: 'usd' },
  },
  policy: { id: 'refunds', version: 3, hash: 'b'.repeat(64) },
  matched_rules: ['small_refund'],
  passport_jti: null,
  approval_request_id: null,
  credential_name: null,
  key_id: 'key_1',
  idempotency_key_sha256: null,
});

/** Verification the way it was before the specialised canonicalizer: the general one, per event. */
function verifyWithGeneralCanonicalizer(events: LedgerEvent[]): void {
  let previous = '0'.repeat(64);
  for (const event of events) {
    const { hash, ...unsealed } = event;
    if (event.prev_hash !== previous || sha256Hex(canonicalize(unsealed)) !== hash) throw new Error('broken');
    previous = hash;
  }
}

export async function measureLedger(rounds: number): Promise<LedgerResult> {
  const result: Required<LedgerResult> = {
    events: LEDGER_EVENTS,
    bytes: 0,
    append: [],
    verify: [],
    verifyGeneral: [],
    canonicalOnly: [],
    hashOnly: [],
    fileText: [],
    fileTextWorkers: [],
    workers: Math.min(availableParallelism(), PARALLEL_VERIFY_MAX_WORKERS),
  };
  for (let round = 0; round < rounds; round++) {
    const store = new MemoryLedgerStore();
    const cpu = process.cpuUsage();
    for (let i = 0; i < LEDGER_EVENTS; i++) {
      await store.append('tenant_bench', { type: 'decision', data: eventData(i) });
    }
    const used = process.cpuUsage(cpu);
    result.append.push(LEDGER_EVENTS / ((used.user + used.system) / 1e6));
    const events: LedgerEvent[] = [];
    for await (const event of store.events('tenant_bench')) events.push(event);
    const texts = events.map((event) => canonicalEventText(event));
    result.bytes = Buffer.byteLength(texts[0] as string);
    const checks: Array<[number[], () => void]> = [
      [
        result.verify,
        () => {
          if (!verifyChain(events).ok) throw new Error('chain did not verify');
        },
      ],
      [result.verifyGeneral, () => verifyWithGeneralCanonicalizer(events)],
      [
        result.canonicalOnly,
        () => {
          for (const event of events) canonicalEventText(event);
        },
      ],
      [
        result.hashOnly,
        () => {
          for (const text of texts) sha256Hex(text);
        },
      ],
    ];
    const fileText = events.map((event) => `${JSON.stringify(event)}\n`).join('');
    checks.push([
      result.fileText,
      () => {
        const verified = verifyLedgerTextInThread(fileText);
        if (verified.kind !== 'chain' || !verified.result.ok) throw new Error('ledger text did not verify');
      },
    ]);
    for (let k = 0; k < checks.length; k++) {
      const [into, work] = checks[(round + k) % checks.length]!;
      into.push(LEDGER_EVENTS / cpuSeconds(work));
    }
    // Worker threads trade CPU for wall-clock time, so this one is timed by the clock.
    const started = performance.now();
    const parallel = await verifyLedgerText(fileText, {
      workers: result.workers,
      minParallelChars: 0,
      ...(existsSync(BUILT_WORKER) ? { workerScript: BUILT_WORKER } : {}),
    });
    if (parallel.kind !== 'chain' || !parallel.result.ok) throw new Error('ledger text did not verify');
    result.fileTextWorkers.push(LEDGER_EVENTS / ((performance.now() - started) / 1000));
  }
  return result;
}
