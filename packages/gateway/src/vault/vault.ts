/**
 * The credential vault: envelope-encrypted secrets bound to tools, handed out only as
 * short leases on an allowed action. Every read API returns metadata; the only way to a plaintext is
 * `leaseForTool`, which the preflight pipeline calls after an `allow`.
 */

import {
  VAULT_KEY_ENV,
  VAULT_LEASE_TTL_DEFAULT_SECONDS,
  VAULT_LEASE_TTL_MAX_SECONDS,
  VAULT_LEASE_TTL_MIN_SECONDS,
  VAULT_NAME,
  VAULT_SECRET_MAX_BYTES,
} from '../constants.js';
import { isToolName, toolGlobMatch, toolGlobProblem } from '../policy/names.js';
import { openSecret, parseVaultKey, type RandomBytes, sealSecret, type VaultKek } from './envelope.js';
import { VaultInputError, VaultNoKeyError } from './errors.js';
import {
  type CredentialDelivery,
  type CredentialMetadata,
  MemoryVaultStore,
  type VaultRecord,
  type VaultStore,
} from './store.js';

export interface VaultOptions {
  /** The KEK, or null for a vault that can list and delete but refuses to store or lease. */
  kek: VaultKek | null;
  store?: VaultStore;
  clock?: () => Date;
  randomBytes?: RandomBytes;
}

export interface PutCredentialOptions {
  /** Tool names or globs (`*` matches any run) the credential may be leased to. */
  boundTools: string[];
  /** Lease lifetime, default 300 s, clamped to [1, 3600]. */
  ttlSeconds?: number;
  /**
   * Records the change (the ledger event) once the secret is sealed and before it is stored: if it
   * throws, nothing is stored, so a credential never exists without its record.
   */
  record?: (stored: CredentialMetadata) => Promise<void>;
  /** Who may receive the value (default `sdk`, today's lease to the agent). */
  delivery?: CredentialDelivery;
}

export interface LeaseOptions {
  /** True when the enforcing proxy asks: only then may a `delivery: "proxy"` credential be leased. */
  toProxy?: boolean;
}

export interface CredentialLease {
  name: string;
  value: string;
  expires_at: string;
}

export class Vault {
  readonly #kek: VaultKek | null;
  readonly #store: VaultStore;
  readonly #clock: () => Date;
  readonly #randomBytes: RandomBytes | undefined;

  constructor(options: VaultOptions) {
    this.#kek = options.kek;
    this.#store = options.store ?? new MemoryVaultStore();
    this.#clock = options.clock ?? (() => new Date());
    this.#randomBytes = options.randomBytes;
  }

  /** A vault keyed from `ACTPASS_VAULT_KEY`; throws `VaultKeyError` if it is set but malformed. */
  static fromEnv(
    env: Record<string, string | undefined> = process.env,
    options: Omit<VaultOptions, 'kek'> = {},
  ) {
    return new Vault({ ...options, kek: parseVaultKey(env[VAULT_KEY_ENV]) });
  }

  get hasKey(): boolean {
    return this.#kek !== null;
  }

  /** Stores a new version of a secret and returns its metadata (never the value). */
  async put(
    tenantId: string,
    name: string,
    secret: string,
    options: PutCredentialOptions,
  ): Promise<CredentialMetadata> {
    if (!this.#kek) throw new VaultNoKeyError();
    checkName(name);
    const boundTools = checkBoundTools(options?.boundTools);
    const delivery = checkDelivery(options?.delivery);
    if (typeof secret !== 'string' || secret.length === 0)
      throw new VaultInputError('secret must be a non-empty string');
    const plaintext = Buffer.from(secret, 'utf8');
    if (plaintext.byteLength > VAULT_SECRET_MAX_BYTES) {
      throw new VaultInputError(`secret exceeds ${VAULT_SECRET_MAX_BYTES} bytes`);
    }
    const previous = await this.#store.get(tenantId, name);
    const version = (previous?.version ?? 0) + 1;
    const now = this.#clock().toISOString();
    const envelope = sealSecret(
      this.#kek,
      { tenant_id: tenantId, name, version },
      plaintext,
      this.#randomBytes,
    );
    plaintext.fill(0);
    const record: VaultRecord = {
      tenant_id: tenantId,
      name,
      bound_tools: boundTools,
      delivery,
      version,
      created_at: previous?.created_at ?? now,
      updated_at: now,
      lease_ttl_seconds: clampLeaseTtl(options.ttlSeconds),
      envelope,
    };
    await options.record?.(metadata(record));
    await this.#store.put(record);
    return metadata(record);
  }

  async get(tenantId: string, name: string): Promise<CredentialMetadata | null> {
    const record = await this.#store.get(tenantId, name);
    return record ? metadata(record) : null;
  }

  async list(tenantId: string): Promise<CredentialMetadata[]> {
    return (await this.#store.list(tenantId)).map(metadata);
  }

  /**
   * Resolves whether a credential was removed. `record` (the ledger event) runs first, only when there
   * is something to remove; if it throws, the credential stays.
   */
  async delete(tenantId: string, name: string, record?: () => Promise<void>): Promise<boolean> {
    if (!(await this.#store.get(tenantId, name))) return false;
    await record?.();
    return this.#store.delete(tenantId, name);
  }

  /**
   * A lease on the credential bound to `tool`, or null when none is. When several are bound, an exact
   * binding beats a glob, then the first name in sort order wins, so the choice is deterministic.
   * Throws `VaultNoKeyError` without a key and `VaultDecryptError` when the record does not decrypt.
   */
  async leaseForTool(
    tenantId: string,
    tool: string,
    now: Date = this.#clock(),
    options: LeaseOptions = {},
  ): Promise<CredentialLease | null> {
    const records = await this.#store.list(tenantId);
    const exact = records.find((record) => record.bound_tools.includes(tool));
    // The tool globs of policies and passports: `*` inside one segment, `**` across, so
    // `stripe.*` leases to `stripe.refund` but never to `stripe.refund.create` or `stripe.admin.wipe`.
    const record =
      exact ?? records.find((r) => r.bound_tools.some((pattern) => toolGlobMatch(pattern, tool)));
    if (!record) return null;
    // A proxy-delivered secret never reaches an agent's process, not even on an allow.
    if (deliveryOf(record) === 'proxy' && options.toProxy !== true) return null;
    if (!this.#kek) throw new VaultNoKeyError();
    const binding = { tenant_id: tenantId, name: record.name, version: record.version };
    const value = openSecret(this.#kek, binding, record.envelope).toString('utf8');
    const expires = new Date(now.getTime() + record.lease_ttl_seconds * 1000);
    return { name: record.name, value, expires_at: expires.toISOString() };
  }
}

function metadata(record: VaultRecord): CredentialMetadata {
  return {
    name: record.name,
    bound_tools: [...record.bound_tools],
    delivery: deliveryOf(record),
    version: record.version,
    created_at: record.created_at,
    updated_at: record.updated_at,
    lease_ttl_seconds: record.lease_ttl_seconds,
  };
}

function checkName(name: string): void {
  if (typeof name !== 'string' || !VAULT_NAME.test(name)) {
    throw new VaultInputError('name must be 1-128 characters of letters, digits, ".", "_" or "-"');
  }
}

function deliveryOf(record: CredentialMetadata): CredentialDelivery {
  return record.delivery ?? 'sdk';
}

function checkDelivery(delivery: unknown): CredentialDelivery {
  if (delivery === undefined) return 'sdk';
  if (delivery === 'sdk' || delivery === 'proxy') return delivery;
  throw new VaultInputError('delivery must be "sdk" or "proxy"');
}

function checkBoundTools(tools: unknown): string[] {
  if (!Array.isArray(tools) || !tools.every((tool) => typeof tool === 'string' && tool.length > 0)) {
    throw new VaultInputError('boundTools must be an array of non-empty tool names or globs');
  }
  tools.forEach((tool: string, index) => {
    if (!isToolName(tool) && toolGlobProblem(tool) !== null) {
      throw new VaultInputError(
        `bound_tools[${index}] is not a tool name or tool glob: use dot-separated segments of ` +
          '[A-Za-z0-9_-], "*" within a segment, or a whole "**" segment for any number of segments',
      );
    }
  });
  return [...new Set(tools as string[])];
}

export function clampLeaseTtl(ttlSeconds: number | undefined): number {
  if (ttlSeconds === undefined || !Number.isFinite(ttlSeconds)) return VAULT_LEASE_TTL_DEFAULT_SECONDS;
  return Math.min(VAULT_LEASE_TTL_MAX_SECONDS, Math.max(VAULT_LEASE_TTL_MIN_SECONDS, Math.floor(ttlSeconds)));
}
