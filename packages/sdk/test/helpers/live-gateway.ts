/**
 * The REAL gateway (`actpass dev`, its built CLI) on loopback for one test file, with the refunds pack:
 * stripe.refund.create up to $100 allowed, up to $500 held for an approver, above that denied. Build it
 * with `pnpm --filter @actpass/gateway build` (scripts/test.sh builds every package first).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ActPass } from '../../src/index.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../../gateway/dist/cli.js');

export interface LiveGateway {
  url: string;
  tenantId: string;
  /** A client with the given role's key (`agent`, `approver`, …). */
  client(role: string, options?: ConstructorParameters<typeof ActPass>[0]): ActPass;
  /** A client with the given role whose requests' paths are recorded in `paths`. */
  recording(role: string): { client: ActPass; paths: string[] };
  stop(): void;
}

export async function startGateway(): Promise<LiveGateway> {
  if (!existsSync(CLI)) {
    throw new Error(`${CLI} is missing: build it with \`pnpm --filter @actpass/gateway build\``);
  }
  const dir = mkdtempSync(join(tmpdir(), 'actpass-sdk-adapters-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI, 'dev', '--host', '127.0.0.1', '--port', '0', '--dir', join(dir, 'data'), '--json'],
    {
      env: { ...process.env, ACTPASS_VAULT_KEY: randomBytes(32).toString('base64') },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ url: string; tenant_id: string; keys: Record<string, string> }>(
    (resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`the gateway exited early (code ${code}): ${stderr}`)));
      lines.once('line', (line) => resolve(JSON.parse(line)));
    },
  );
  lines.on('line', () => {});
  const gateway: LiveGateway = {
    url: ready.url,
    tenantId: ready.tenant_id,
    client(role, options = {}) {
      const apiKey = ready.keys[role];
      if (!apiKey) throw new Error(`the gateway printed no ${role} key`);
      return new ActPass({
        apiKey,
        tenantId: ready.tenant_id,
        baseUrl: ready.url,
        logger: {},
        recordOutcomes: false,
        ...options,
      });
    },
    recording(role) {
      const paths: string[] = [];
      const fetchRecorded: typeof fetch = (input, init) => {
        paths.push(new URL(input instanceof Request ? input.url : String(input)).pathname);
        return fetch(input, init);
      };
      return { client: gateway.client(role, { fetch: fetchRecorded }), paths };
    },
    stop() {
      child.kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return gateway;
}
