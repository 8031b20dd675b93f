/**
 * A ready-to-use gateway for examples, tests and `actpass dev`: two tenants, one key per role for
 * each, the refunds pack as starter policy, and a working vault. With `dir`, state (ledger, keyset,
 * dev keys, vault key) persists under it; without, everything lives in memory.
 *
 * Dev keys are random per state directory (never fixed strings a copied example could leak into
 * production); they are printed by the CLI and kept in `<dir>/dev-keys.json` (mode 0600).
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { VAULT_KEY_ENV } from '../constants.js';
import { FileSessionLabelStore, SESSION_LABEL_MAX_SESSIONS } from '../flow/index.js';
import { createGateway, type Gateway } from '../index.js';
import { Keyset } from '../passport/index.js';
import { readOrCreateOnce } from '../store/create-once.js';
import { createFileStores, GATEWAY_STORE_NAMES, stateFiles } from '../store/index.js';
import type { GatewayStores } from '../store/types.js';
import type { GatewayConfig } from './types.js';

export interface DevKeys {
  tenantId: string;
  agent: string;
  approver: string;
  admin: string;
  /** The enforcing proxy's key (role `proxy`); absent from state directories made before it existed. */
  proxy?: string;
}

export interface DevGatewayOptions {
  /** Persist state here (file ledger and stores, keyset.json, dev-keys.json, vault.key). */
  dir?: string;
  /** Default `["acme", "globex"]`: a second tenant makes isolation easy to try. */
  tenants?: string[];
  /** A policy object or pack name for every tenant; default the refunds pack. */
  policy?: unknown;
  /** Agent id the agent keys are bound to; default none (the key may act as any agent). */
  agentId?: string;
  clock?: () => number;
  env?: Record<string, string | undefined>;
  stores?: Partial<GatewayStores>;
  /** Where session flow labels are kept; default `<dir>/sessions.jsonl` with a dir, else memory. */
  sessionLabels?: GatewayConfig['sessionLabels'];
  logger?: GatewayConfig['logger'];
  onRequest?: GatewayConfig['onRequest'];
  metrics?: boolean;
  tracing?: GatewayConfig['tracing'];
  /** Webhook endpoints and the console URL their messages link to (docs/notifications.md). */
  webhooks?: GatewayConfig['webhooks'];
  /** People sign in to the console through this OpenID provider (docs/sign-in.md). */
  oidc?: GatewayConfig['oidc'];
}

export interface DevGateway {
  gateway: Gateway;
  /** Keys of the first tenant. */
  keys: DevKeys;
  /** Keys of every tenant, first one first. */
  tenants: DevKeys[];
  /** Where the vault key came from: the environment, `<dir>/vault.key`, or generated for this process. */
  vaultKeySource: 'env' | 'file' | 'generated';
  vaultKeyFile?: string;
}

const DEFAULT_TENANTS = ['acme', 'globex'];
const SECRET_FILE_MODE = 0o600;
const KEY_RANDOM_BYTES = 24;

export function createDevGateway(options: DevGatewayOptions = {}): DevGateway {
  const env = options.env ?? process.env;
  const tenantIds = options.tenants ?? DEFAULT_TENANTS;
  const files = options.dir ? stateFiles(options.dir) : undefined;
  if (options.dir) mkdirSync(options.dir, { recursive: true, mode: 0o700 });

  const tenants = files ? loadOrCreate(files.devKeys, () => newKeys(tenantIds)) : newKeys(tenantIds);
  const keyset = files
    ? Keyset.fromJSON(
        readOrCreateOnce(files.keyset, () => JSON.stringify(Keyset.generate().toJSON()), SECRET_FILE_MODE),
      )
    : Keyset.generate();
  const vault = resolveVaultKey(env, files?.vaultKey);

  const gateway = createGateway({
    tenants: tenants.map((keys) => ({ id: keys.tenantId, policy: options.policy ?? 'refunds' })),
    apiKeys: tenants.flatMap((keys) => [
      {
        key: keys.agent,
        tenantId: keys.tenantId,
        roles: ['agent' as const],
        name: `${keys.tenantId}_agent`,
        ...(options.agentId ? { agentId: options.agentId } : {}),
      },
      {
        key: keys.approver,
        tenantId: keys.tenantId,
        roles: ['approver' as const],
        name: `${keys.tenantId}_approver`,
      },
      { key: keys.admin, tenantId: keys.tenantId, roles: ['admin' as const], name: `${keys.tenantId}_admin` },
      ...(keys.proxy
        ? [
            {
              key: keys.proxy,
              tenantId: keys.tenantId,
              roles: ['proxy' as const],
              name: `${keys.tenantId}_proxy`,
            },
          ]
        : []),
    ]),
    keyset,
    stores: {
      // File stores (and the directory's one-process lock) only for what was not given, so processes
      // sharing a database may share a --dir for keys too.
      ...(options.dir && !coversEveryStore(options.stores)
        ? createFileStores(options.dir, { nowMs: options.clock })
        : {}),
      ...options.stores,
    },
    vaultKey: vault.key,
    ...(options.sessionLabels || options.dir
      ? {
          sessionLabels:
            options.sessionLabels ??
            new FileSessionLabelStore(
              join(options.dir as string, 'sessions.jsonl'),
              SESSION_LABEL_MAX_SESSIONS,
              options.clock,
            ),
        }
      : {}),
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    ...(options.onRequest ? { onRequest: options.onRequest } : {}),
    ...(options.metrics ? { metrics: true } : {}),
    ...(options.tracing ? { tracing: options.tracing } : {}),
    ...(options.webhooks ? { webhooks: options.webhooks } : {}),
    // People's sign-in; its client secret is read from the same environment as the vault key.
    // People act in the first tenant unless the options name another.
    ...(options.oidc ? { oidc: { tenantId: tenants[0]?.tenantId, ...options.oidc }, env } : {}),
  });
  return {
    gateway,
    keys: tenants[0] as DevKeys,
    tenants,
    vaultKeySource: vault.source,
    ...(vault.file ? { vaultKeyFile: vault.file } : {}),
  };
}

function coversEveryStore(stores: Partial<GatewayStores> | undefined): boolean {
  return GATEWAY_STORE_NAMES.every((name) => stores?.[name] !== undefined);
}

function newKeys(tenantIds: string[]): DevKeys[] {
  const key = (tenantId: string, role: string) =>
    `ak_dev_${tenantId}_${role}_${randomBytes(KEY_RANDOM_BYTES).toString('base64url')}`;
  return tenantIds.map((tenantId) => ({
    tenantId,
    agent: key(tenantId, 'agent'),
    approver: key(tenantId, 'approver'),
    admin: key(tenantId, 'admin'),
    proxy: key(tenantId, 'proxy'),
  }));
}

function resolveVaultKey(
  env: Record<string, string | undefined>,
  file: string | undefined,
): { key: string; source: DevGateway['vaultKeySource']; file?: string } {
  const fromEnv = env[VAULT_KEY_ENV];
  if (fromEnv && fromEnv.trim() !== '') return { key: fromEnv, source: 'env' };
  const generate = () => randomBytes(32).toString('base64');
  if (!file) return { key: generate(), source: 'generated' };
  const existed = existsSync(file);
  const key = readOrCreateOnce(file, generate, SECRET_FILE_MODE).trim();
  return { key, source: existed ? 'file' : 'generated', file };
}

/**
 * Processes sharing a --dir (several gateways on one database) may start together: each file is
 * created whole or not at all, and all of them read the one that won (store/create-once.ts).
 */
function loadOrCreate<T>(file: string, create: () => T): T {
  return JSON.parse(
    readOrCreateOnce(file, () => `${JSON.stringify(create(), null, 2)}\n`, SECRET_FILE_MODE),
  ) as T;
}
