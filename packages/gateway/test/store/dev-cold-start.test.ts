/**
 * Eight processes creating a fresh state directory's shared files at once, twenty times, the way
 * `createDevGateway` does (store/create-once.ts): every file they share (dev keys, keyset, vault key)
 * must be read whole by each of them, and all must read the same one. Before, a file was created
 * empty and then written, and a process reading in between crashed on "Unexpected end of JSON input".
 * (scale-out.test.ts starts real `actpass dev` processes together on one empty --dir.)
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const CHILD = fileURLToPath(new URL('./fixtures/create-once-child.ts', import.meta.url));
const PACKAGE_DIR = fileURLToPath(new URL('../../', import.meta.url));
const PROCESSES = 8;
const ROUNDS = 20;
const STEP_MS = 100;

interface RoundResult {
  round: number;
  keys?: string;
  keyset?: string;
  vault?: string;
  error?: string;
}

let base: string | undefined;
afterAll(async () => {
  if (base) await rm(base, { recursive: true, force: true });
});

function spawnChild(dir: string): {
  child: ChildProcess;
  ready: Promise<void>;
  results: Promise<RoundResult[]>;
} {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, String(ROUNDS), String(STEP_MS)], {
    cwd: PACKAGE_DIR,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = new Promise<void>((resolve) => lines.once('line', () => resolve()));
  const results = new Promise<RoundResult[]>((resolve, reject) => {
    const collected: RoundResult[] = [];
    lines.on('line', (line) => {
      if (line !== 'ready') collected.push(JSON.parse(line) as RoundResult);
    });
    child.once('exit', (code) => {
      if (code === 0) resolve(collected);
      else reject(new Error(`child exited with ${code}: ${stderr}`));
    });
  });
  return { child, ready, results };
}

describe('dev gateways starting together on one fresh --dir', () => {
  it(`${PROCESSES} processes × ${ROUNDS} rounds: nobody reads a half-written file, everybody reads the same`, async () => {
    base = await mkdtemp(path.join(tmpdir(), 'actpass-cold-'));
    const children = Array.from({ length: PROCESSES }, () => spawnChild(base!));
    await Promise.all(children.map((child) => child.ready));
    const go = Date.now() + 200;
    for (const { child } of children) child.stdin!.write(`go ${go}\n`);
    const results = await Promise.all(children.map((child) => child.results));

    for (let round = 0; round < ROUNDS; round++) {
      const seen = results.map((perProcess) => perProcess.find((result) => result.round === round)!);
      expect(seen.filter((result) => result.error !== undefined)).toEqual([]);
      expect(new Set(seen.map((result) => result.keys)).size, `round ${round} dev keys`).toBe(1);
      expect(new Set(seen.map((result) => result.keyset)).size, `round ${round} keyset`).toBe(1);
      expect(new Set(seen.map((result) => result.vault)).size, `round ${round} vault key`).toBe(1);
      // No temporary file is left behind.
      const files = await readdir(path.join(base!, `r${round}`));
      expect(files.filter((file) => file.endsWith('.tmp'))).toEqual([]);
    }
  }, 120_000);
});
