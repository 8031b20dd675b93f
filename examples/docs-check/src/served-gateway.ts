/**
 * `actpass dev --json` on a free loopback port with its state in a temporary directory, as the
 * quickstarts tell a reader to start it. Resolves with the ready line the CLI prints.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

export interface ServedGateway {
  url: string;
  tenantId: string;
  keys: { agent: string; approver: string; admin: string };
  stop(): Promise<void>;
}

export function gatewayCli(): string {
  const manifest = createRequire(import.meta.url).resolve('@actpass/gateway/package.json');
  return join(dirname(manifest), 'dist', 'cli.js');
}

export async function serveGateway(): Promise<ServedGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'actpass-docs-'));
  const child = spawn(process.execPath, [gatewayCli(), 'dev', '--port', '0', '--dir', dir, '--json'], {
    env: { ...process.env, ACTPASS_VAULT_KEY: randomBytes(32).toString('base64') },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const stop = async () => {
    await stopped(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ready = JSON.parse(await firstLine(child)) as {
      url: string;
      tenant_id: string;
      keys: ServedGateway['keys'];
    };
    return { url: ready.url, tenantId: ready.tenant_id, keys: ready.keys, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`actpass dev exited (${code}) before it was ready`)));
  });
}

function stopped(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
