/**
 * Where the human-side commands get their data: a served gateway (`ACTPASS_BASE_URL` and
 * `ACTPASS_API_KEY`, through `@actpass/sdk` like any other client) or, with `--dir`, the state
 * directory of a local dev gateway opened in-process with its own dev key for the role the command
 * needs. Both paths go through the same HTTP API, so they answer the same. A directory is owned by one
 * process: `--dir` refuses a directory a running `actpass dev` holds (point at that gateway instead).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { clean, UsageError } from '@actpass/edge/cli';
import { ActPass, APIConnectionError, APIError } from '@actpass/sdk';
import { createDevGateway, type DevKeys } from '../index.js';

export type KeyRole = 'approver' | 'admin';

export interface Remote {
  client: ActPass;
  close(): Promise<void>;
}

const quiet = { debug() {}, info() {}, warn() {}, error() {} };
const DEV_KEYS_FILE = 'dev-keys.json';

export async function connect(
  command: string,
  flags: { dir?: string | boolean | undefined; tenant?: string | boolean | undefined },
  role: KeyRole,
  env: Record<string, string | undefined> = process.env,
): Promise<Remote> {
  if (typeof flags.dir === 'string') return openDirectory(command, flags.dir, flags.tenant, role, env);
  if (!env.ACTPASS_API_KEY) {
    throw new UsageError(
      `${command}: set ACTPASS_API_KEY (a key with the ${role} role) and ACTPASS_BASE_URL, or pass --dir DIR to read a local dev gateway's state.`,
    );
  }
  const client = new ActPass({ logger: quiet, apiKey: env.ACTPASS_API_KEY, baseUrl: env.ACTPASS_BASE_URL });
  return { client, close: async () => undefined };
}

async function openDirectory(
  command: string,
  dir: string,
  tenant: string | boolean | undefined,
  role: KeyRole,
  env: Record<string, string | undefined>,
): Promise<Remote> {
  if (!existsSync(path.join(dir, DEV_KEYS_FILE))) {
    throw new UsageError(`${command}: ${dir} holds no dev gateway state (no ${DEV_KEYS_FILE}); check --dir.`);
  }
  const dev = createDevGateway({ dir, env, logger: { error: () => undefined } });
  const keys: DevKeys | undefined =
    typeof tenant === 'string' ? dev.tenants.find((t) => t.tenantId === tenant) : dev.keys;
  if (!keys) {
    await dev.gateway.close();
    const known = dev.tenants.map((t) => t.tenantId).join(', ');
    throw new UsageError(`${command}: no tenant "${tenant}" in ${dir} (it has ${known}); fix --tenant.`);
  }
  const client = new ActPass({
    logger: quiet,
    apiKey: keys[role],
    baseUrl: 'http://actpass.local',
    fetch: (input, init) => dev.gateway.fetch(new Request(input, init)),
    maxRetries: 0,
  });
  return { client, close: () => dev.gateway.close() };
}

/** Runs `work` with a connection and turns API failures into one readable line. */
export async function withRemote<T>(
  command: string,
  flags: Parameters<typeof connect>[1],
  role: KeyRole,
  work: (client: ActPass) => Promise<T>,
): Promise<T> {
  const remote = await connect(command, flags, role);
  try {
    return await work(remote.client);
  } catch (error) {
    throw new Error(describeFailure(command, error, role), { cause: error });
  } finally {
    await remote.close();
  }
}

function describeFailure(command: string, error: unknown, role: KeyRole): string {
  if (error instanceof APIError) {
    const body = error.body as { error?: { message?: string } } | undefined;
    const code = error.code ?? `HTTP ${error.status}`;
    const message = body?.error?.message ?? error.message;
    const hint =
      error.status === 401
        ? ' Check ACTPASS_API_KEY.'
        : error.status === 403
          ? ` This needs a key with the ${role} role.`
          : '';
    return `${command}: ${clean(code)}: ${clean(message)}${hint}`;
  }
  if (error instanceof APIConnectionError) {
    return `${command}: cannot reach the gateway (${error.message}); check ACTPASS_BASE_URL or start \`actpass dev\`.`;
  }
  return `${command}: ${clean((error as Error).message ?? String(error))}`;
}
