/**
 * Follows a quickstart's shell lines the way a reader would, in two places: "the clone" (this
 * repository) and "your project" (a new folder outside it). Each `sh` block starts with a comment that
 * says which. Three kinds of line are not run as written, because a test cannot do what a person does:
 * - `… actpass dev` starts in the background with a free port and a throwaway state folder added
 *   (`--port 0 --dir … --json`), and resolves with the ready line;
 * - the `export ACTPASS_BASE_URL=… ACTPASS_API_KEY=…` line takes the values that gateway printed;
 * - a clone line already run for an earlier page is not run again (the files it built are there).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { codeBlocks } from './blocks.js';

export interface Places {
  clone: string;
  project: string;
}

export interface Followed {
  env: Record<string, string>;
  gateways: ChildProcess[];
  /** The gateways' throwaway state folders. */
  folders: string[];
}

const WHERE = /^# in (the clone|your project)$/;
const EXPORT = /^export ([A-Z_]+)=(.+)$/;
const DEV = /actpass dev$/;
const READER_EXPORT = /^export ACTPASS_BASE_URL=\S+ ACTPASS_API_KEY=\S+$/;
const alreadyRun = new Set<string>();

/** Starts following with the reader's environment; `stopGateways` cleans up even after a failure. */
export function reader(env: Record<string, string>): Followed {
  return { env: { ...env }, gateways: [], folders: [] };
}

export async function followShellLines(markdown: string, places: Places, followed: Followed): Promise<void> {
  for (const block of codeBlocks(markdown).filter((b) => b.lang === 'sh')) {
    const [first, ...lines] = block.code.split('\n');
    const where = first?.match(WHERE)?.[1];
    if (!where) throw new Error(`the sh block at line ${block.line} does not say where it runs (# in …)`);
    const cwd = where === 'the clone' ? places.clone : places.project;
    for (const line of lines) await followLine(line, cwd, where === 'the clone', followed);
  }
}

async function followLine(line: string, cwd: string, inClone: boolean, followed: Followed) {
  if (READER_EXPORT.test(line)) return; // the values are set when the gateway is ready, below
  if (DEV.test(line)) {
    const state = mkdtempSync(join(tmpdir(), 'actpass-scratch-state-'));
    followed.folders.push(state);
    const { child, ready } = await startGateway(line, cwd, state, followed.env);
    followed.gateways.push(child);
    followed.env.ACTPASS_BASE_URL = ready.url;
    followed.env.ACTPASS_API_KEY = ready.keys.agent;
    return;
  }
  const exported = line.match(EXPORT);
  if (exported) {
    followed.env[exported[1]!] = run(`${line} && printf %s "$${exported[1]}"`, cwd, followed.env);
    return;
  }
  const key = `${cwd}\n${line}`;
  if (inClone && alreadyRun.has(key)) return;
  run(line, cwd, followed.env);
  if (inClone) alreadyRun.add(key);
}

function run(line: string, cwd: string, env: Record<string, string>): string {
  const done = spawnSync('bash', ['-c', `set -euo pipefail; ${line}`], { cwd, env, encoding: 'utf8' });
  if (done.status !== 0) {
    throw new Error(`\`${line}\` in ${cwd} exited ${done.status}:\n${done.stdout}\n${done.stderr}`);
  }
  return done.stdout;
}

interface Ready {
  url: string;
  keys: { agent: string };
}

async function startGateway(line: string, cwd: string, state: string, env: Record<string, string>) {
  const vaultKey = randomBytes(32).toString('base64');
  // Its own process group, so stopping it also stops what `pnpm exec` started.
  const child = spawn('bash', ['-c', `exec ${line} --port 0 --dir '${state}' --json`], {
    cwd,
    env: { ...env, ACTPASS_VAULT_KEY: vaultKey },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  const ready = await new Promise<Ready>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (text) => resolve(JSON.parse(text) as Ready));
    child.once('exit', (code) => reject(new Error(`\`${line}\` exited (${code}) before it was ready`)));
  });
  return { child, ready };
}

export async function stopGateways(followed: Followed): Promise<void> {
  for (const child of followed.gateways) {
    if (child.exitCode !== null || child.pid === undefined) continue;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
  for (const folder of followed.folders) rmSync(folder, { recursive: true, force: true });
}
