/**
 * One gateway process per state directory: a second one refuses to start and names the
 * holder; a lock left by a process that no longer exists on this host is taken over.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import {
  createFileStores,
  type LockHolder,
  STATE_LOCK_FILE,
  StateDirectoryLockedError,
} from '../../src/index.js';

const root = mkdtempSync(join(tmpdir(), 'actpass-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let count = 0;
const freshDir = () => join(root, `state-${++count}`);

function holderOf(dir: string): LockHolder {
  return JSON.parse(readFileSync(join(dir, STATE_LOCK_FILE), 'utf8')) as LockHolder;
}

function refusal(open: () => unknown): StateDirectoryLockedError {
  try {
    open();
  } catch (error) {
    if (error instanceof StateDirectoryLockedError) return error;
    throw error;
  }
  throw new Error('the second open was not refused');
}

describe('state directory lock', () => {
  it('refuses a second owner, naming pid, host and start time, until the first closes', async () => {
    const dir = freshDir();
    const first = createFileStores(dir);
    const holder = holderOf(dir);
    expect(holder).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Date.parse(holder.started_at)).not.toBeNaN();

    const refused = refusal(() => createFileStores(dir));
    expect(refused.message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect(refused.message).toContain(`started ${holder.started_at}`);
    expect(refused.message).toContain(join(dir, STATE_LOCK_FILE));

    await (first.ledger as unknown as { close(): Promise<void> }).close();
    const second = createFileStores(dir);
    expect(holderOf(dir).pid).toBe(process.pid);
    await (second.ledger as unknown as { close(): Promise<void> }).close();
  });

  it('takes over a lock whose process is gone from this host', async () => {
    const dir = freshDir();
    await (createFileStores(dir).ledger as unknown as { close(): Promise<void> }).close();
    const gone = spawnSync(process.execPath, ['-e', '']).pid as number;
    const stale: LockHolder = { pid: gone, host: hostname(), started_at: '2026-01-01T00:00:00.000Z' };
    writeFileSync(join(dir, STATE_LOCK_FILE), JSON.stringify(stale));
    const stores = createFileStores(dir);
    expect(holderOf(dir)).toMatchObject({ pid: process.pid, host: hostname() });
    await (stores.ledger as unknown as { close(): Promise<void> }).close();
  });

  it('never takes over a lock from another host, and says how to clear it', () => {
    const dir = freshDir();
    mkdirSync(dir);
    const foreign: LockHolder = {
      pid: 4242,
      host: 'other-host.example',
      started_at: '2026-01-01T00:00:00.000Z',
    };
    writeFileSync(join(dir, STATE_LOCK_FILE), JSON.stringify(foreign));
    const refused = refusal(() => createFileStores(dir));
    expect(refused.message).toContain('pid 4242 on other-host.example');
    expect(refused.message).toContain(`delete ${join(dir, STATE_LOCK_FILE)}`);
  });
});

describe('actpass dev on a directory another gateway owns', () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const child of children) child.kill('SIGKILL');
  });

  function startDev(dir: string): ChildProcess {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'src/cli.ts', 'dev', '--port', '0', '--dir', dir, '--json'],
      {
        cwd: resolve(__dirname, '../..'),
        env: { ...process.env, ACTPASS_VAULT_KEY: '', ACTPASS_DATABASE_URL: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    return child;
  }

  it('refuses to start and names the running one', async () => {
    const dir = freshDir();
    const first = startDev(dir);
    await new Promise<string>((ready, reject) => {
      createInterface({ input: first.stdout as NodeJS.ReadableStream }).once('line', ready);
      first.once('exit', (code) => reject(new Error(`first gateway exited ${code}`)));
    });

    const second = startDev(dir);
    let stdout = '';
    let stderr = '';
    second.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    second.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((done) => second.once('exit', done));
    expect(code).not.toBe(0);
    // Under --json the refusal is the one JSON line on stdout, where a program reading it looks.
    const lines = stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string).error.message).toContain(
      `in use by gateway pid ${first.pid} on ${hostname()}`,
    );
    expect(stderr).not.toContain('"error"');
  }, 30_000);
});
