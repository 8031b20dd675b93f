/**
 * Ledger throughput: in-memory append, chain verification, and (for scale) the fsync-bound file store.
 * Numbers are reported, not asserted.
 *
 * Verification is measured in three forms, interleaved within each round so load from other work on
 * the machine hits all of them alike: the store's own sealed events, the plain parsed objects a file or
 * an export holds (the form the 200k events/s target is about), and a whole ledger file read back
 * (`parseLedgerFile`: split, parse, byte-for-byte check and verify).
 *
 *   cd packages/gateway && npx tsx bench/ledger.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import {
  exportEvidence,
  FileLedgerStore,
  type LedgerEvent,
  MemoryLedgerStore,
  parseLedgerFile,
  verifyChain,
  verifyExport,
} from '../src/ledger/index.js';
import { Keyset } from '../src/passport/index.js';

const TENANT = 'tenant_bench';
const EVENTS = 100_000;
const data = (i: number) => ({
  decision: 'allow',
  reason_code: 'refund.small_in_scope',
  tool: 'stripe.refund',
  args: { amount: i % 10_000, currency: 'USD' },
  action_hash: 'a3f1c2d4e5b6a7980123456789abcdef0123456789abcdef0123456789abcdef',
});
const rate = (count: number, millis: number) => Math.round(count / (millis / 1000)).toLocaleString('en-US');
/** Events per CPU-second of this process: much steadier than wall time on a shared, loaded machine. */
const cpuRate = (count: number, cpu: NodeJS.CpuUsage) =>
  `${Math.round(count / ((cpu.user + cpu.system) / 1e6)).toLocaleString('en-US')} events/CPU-s`;

async function memoryAppend(): Promise<LedgerEvent[]> {
  const store = new MemoryLedgerStore();
  for (let i = 0; i < 2000; i++) await store.append('warmup', { type: 'decision', data: data(i) });
  const start = performance.now();
  const cpu = process.cpuUsage();
  for (let i = 0; i < EVENTS; i++) await store.append(TENANT, { type: 'decision', data: data(i) });
  console.log(
    `  memory append (sequential)  ${rate(EVENTS, performance.now() - start).padStart(9)} events/s wall, ${cpuRate(EVENTS, process.cpuUsage(cpu))}`,
  );
  return store.list(TENANT, { limit: 1000 }).then(async () => {
    const all: LedgerEvent[] = [];
    for await (const event of store.events(TENANT)) all.push(event);
    return all;
  });
}

function timed(label: string, count: number, run: () => boolean): void {
  const start = performance.now();
  const cpu = process.cpuUsage();
  const ok = run();
  const millis = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (!ok) throw new Error(`${label}: chain did not verify`);
  console.log(
    `  ${label.padEnd(28)}${rate(count, millis).padStart(9)} events/s wall, ${cpuRate(count, used)}`,
  );
}

function verify(events: LedgerEvent[]): void {
  const lines = events.map((event) => JSON.stringify(event));
  const file = Buffer.from(`${lines.join('\n')}\n`);
  const parsed = lines.map((line) => JSON.parse(line) as LedgerEvent);
  const keyset = Keyset.generate();
  const jwks = keyset.jwks();
  const exported = JSON.parse(JSON.stringify(exportEvidence(events, TENANT, keyset)));
  verifyChain(events.slice(0, 2000));
  verifyChain(parsed.slice(0, 2000));
  timed('verifyChain (sealed)', events.length, () => verifyChain(events).ok);
  timed('verifyChain (files, exports)', parsed.length, () => verifyChain(parsed).ok);
  timed(
    'parseLedgerFile',
    events.length,
    () => parseLedgerFile('bench', file, TENANT).length === events.length,
  );
  timed('verifyExport', events.length, () => verifyExport(exported, jwks).ok);
}

async function fileAppend(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'actpass-bench-'));
  const store = new FileLedgerStore(dir);
  try {
    const count = 300;
    let start = performance.now();
    for (let i = 0; i < count; i++) await store.append(TENANT, { type: 'decision', data: data(i) });
    console.log(
      `  file append (sequential)    ${rate(count, performance.now() - start).padStart(9)} events/s (fdatasync each)`,
    );
    start = performance.now();
    await Promise.all(
      Array.from({ length: count }, (_, i) => store.append(TENANT, { type: 'decision', data: data(i) })),
    );
    console.log(
      `  file append (${count} at once)  ${rate(count, performance.now() - start).padStart(9)} events/s`,
    );
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const load = loadavg().map((n) => n.toFixed(1));
console.log(
  `ledger, ${EVENTS.toLocaleString('en-US')} events, node ${process.version}, load average ${load.join(' ')}`,
);
for (let round = 0; round < 3; round++) verify(await memoryAppend());
await fileAppend();
