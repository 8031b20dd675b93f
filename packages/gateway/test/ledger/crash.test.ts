import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileLedgerStore, LedgerCorruptError, verifyStoredChain } from '../../src/ledger/index.js';

const TENANT = 'crash_tenant';
const gatewayRoot = path.resolve(import.meta.dirname, '../..');

/** Spawns the writer, waits for `acksBeforeKill` acknowledgements, then SIGKILLs it. */
function runAndKill(dir: string, acksBeforeKill: number): Promise<number[]> {
  return new Promise((resolve, reject) => {
    // `node --import tsx` (not the tsx CLI, which forks a grandchild) so SIGKILL hits the writer itself.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'test/ledger/fixtures/crash-writer.ts', dir, TENANT],
      {
        cwd: gatewayRoot,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const acked: number[] = [];
    let buffered = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
      }
      if (acked.length >= acksBeforeKill) child.kill('SIGKILL');
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(acked);
      else reject(new Error(`writer exited with ${code}: ${stderr}`));
    });
  });
}

describe('FileLedgerStore under kill -9', () => {
  it('keeps every acknowledged event; a torn tail is reported and is never an acknowledged one', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'actpass-crash-'));
    try {
      let expectedMin = 0;
      for (const acksBeforeKill of [40, 120]) {
        const acked = await runAndKill(dir, acksBeforeKill);
        expect(acked.length).toBeGreaterThanOrEqual(acksBeforeKill);
        const store = new FileLedgerStore(dir);
        const opened = await store.head(TENANT).catch((error: unknown) => error);
        if (opened instanceof LedgerCorruptError) {
          expect(opened.kind).toBe('torn_tail');
          const repair = await store.repairTornTail(TENANT);
          expect(repair?.moved_bytes).toBeGreaterThan(0);
        }
        const result = await verifyStoredChain(store, TENANT);
        expect(result.ok).toBe(true);
        const head = result.ok ? result.head.seq : 0;
        // Acks count from the chain's current length, so every acknowledged seq must be at or below the head.
        expect(Math.max(...acked)).toBeLessThanOrEqual(head);
        expect(head).toBeGreaterThan(expectedMin);
        const seqs = new Set((await store.list(TENANT, { limit: 1000 })).map((e) => e.seq));
        for (const seq of acked) expect(seqs.has(seq)).toBe(true);
        expectedMin = head;
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
