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
import { ActPass, APIConnectionError, APIError, constants } from '@actpass/sdk';
import { createDevGateway, type DevKeys } from '../index.js';

export type KeyRole = 'approver' | 'admin';

export interface Remote {
  client: ActPass;
  /** Where the requests go, for error messages (`--dir`: the directory). */
  where: string;
  close(): Promise<void>;
}

/** What went wrong talking to the gateway, as fields `--json` prints and one line the terminal shows. */
export interface FailureDetail {
  code: string;
  message: string;
  status?: number;
  request_id?: string;
  hint?: string;
}

/** A command's failure against the gateway; the dispatcher prints it as text or, under `--json`, JSON. */
export class RemoteFailure extends Error {
  override readonly name = 'RemoteFailure';
  constructor(
    readonly command: string,
    readonly detail: FailureDetail,
    options?: { cause?: unknown },
  ) {
    super(
      `${command}: ${clean(detail.code)}: ${clean(detail.message)}${detail.hint ? ` ${clean(detail.hint)}` : ''}`,
      options,
    );
  }
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
  const where = env.ACTPASS_BASE_URL?.trim() || constants.DEFAULT_BASE_URL;
  return { client, where, close: async () => undefined };
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
  return { client, where: dir, close: () => dev.gateway.close() };
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
    if (error instanceof UsageError) throw error;
    throw new RemoteFailure(command, describeFailure(error, role, remote.where), { cause: error });
  } finally {
    await remote.close();
  }
}

function describeFailure(error: unknown, role: KeyRole, where: string): FailureDetail {
  // A connection error is an APIError without a status in the SDK's tree: it is asked first, so the
  // user reads "is the gateway running?" and never "HTTP undefined".
  if (error instanceof APIConnectionError) {
    return {
      code: 'connection',
      message: `cannot reach the gateway at ${where} (${error.message})`,
      hint: `Is the gateway running? Start one with \`actpass dev\`, or set ACTPASS_BASE_URL to where it listens.`,
    };
  }
  if (error instanceof APIError) {
    const body = error.body as { error?: { message?: unknown } } | undefined;
    const bodyMessage = body?.error?.message;
    const message = typeof bodyMessage === 'string' ? bodyMessage : error.message;
    return {
      code: error.code ?? `http_${error.status}`,
      message,
      ...(error.status === undefined ? {} : { status: error.status }),
      ...(error.requestId ? { request_id: error.requestId } : {}),
      ...hintFor(error.status, message, role),
    };
  }
  return { code: 'error', message: (error as Error)?.message ?? String(error) };
}

/** The next step for a status, unless the gateway's own message already says it (no doubled hints). */
function hintFor(status: number | undefined, message: string, role: KeyRole): { hint?: string } {
  const hint =
    status === 401
      ? 'Check ACTPASS_API_KEY.'
      : status === 403
        ? `This needs a key with the ${role} role (\`actpass dev\` prints one).`
        : undefined;
  if (!hint) return {};
  const key = status === 401 ? 'ACTPASS_API_KEY' : `${role} role`;
  return message.toLowerCase().includes(key.toLowerCase()) ? {} : { hint };
}
