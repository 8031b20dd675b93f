/**
 * Ledger throughput: in-memory append, chain verification, and (for scale) the fsync-bound file store.
 * Numbers are reported, not asserted.
 *
 *   cd packages/gateway && npx tsx bench/ledger.bench.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FileLedgerStore, type LedgerEvent, MemoryLedgerStore, verifyChain } from '../src/ledger/index.js';

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

function verify(events: LedgerEvent[]): void {
  verifyChain(events.slice(0, 2000));
  const start = performance.now();
  const cpu = process.cpuUsage();
  const result = verifyChain(events);
  const millis = performance.now() - start;
  const used = process.cpuUsage(cpu);
  if (!result.ok) throw new Error('chain did not verify');
  console.log(
    `  verifyChain                 ${rate(events.length, millis).padStart(9)} events/s wall, ${cpuRate(events.length, used)}`,
  );
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

console.log(`ledger, ${EVENTS.toLocaleString('en-US')} events, node ${process.version}`);
for (let round = 0; round < 3; round++) verify(await memoryAppend());
await fileAppend();
