/**
 * File-backed stores for one gateway process (`actpass dev`, the embedded default). Each keeps its
 * state in the memory peer and journals every change first-in-memory-then-on-disk; a failed write
 * rolls the memory change back and throws, so the caller answers 503 and nothing half-happened.
 * Several processes must not share these files: use a database-backed peer for that.
 */
import { join } from 'node:path';
import { Journal, LoadOnce } from './journal.js';
import {
  MemoryApprovalStore,
  MemoryIdempotencyStore,
  MemoryPolicyStore,
  MemoryToolStore,
  tenantKey,
} from './memory.js';
import type {
  ApprovalListOptions,
  ApprovalRecord,
  ApprovalStatus,
  ApprovedTool,
  IdempotencyBegin,
  PolicyDocument,
  StoredResponse,
} from './types.js';

export class FileApprovalStore extends MemoryApprovalStore {
  readonly #journal: Journal;
  readonly #loaded: LoadOnce;

  constructor(file: string) {
    super();
    this.#journal = new Journal(file);
    this.#loaded = new LoadOnce(async () => {
      for (const entry of (await this.#journal.readAll()) as ApprovalRecord[]) {
        this.records.set(tenantKey(entry.tenant_id, entry.id), entry);
      }
    });
  }

  /** Flushes and closes the journal (the gateway's close() calls it). */
  close(): Promise<void> {
    return this.#journal.close();
  }

  override async create(record: ApprovalRecord): Promise<void> {
    await this.#loaded.ready();
    await super.create(record);
    await this.#journal.append(record).catch((error) => {
      this.records.delete(tenantKey(record.tenant_id, record.id));
      throw error;
    });
  }

  override async get(tenantId: string, id: string): Promise<ApprovalRecord | undefined> {
    await this.#loaded.ready();
    return super.get(tenantId, id);
  }

  override async list(tenantId: string, options: ApprovalListOptions): Promise<ApprovalRecord[]> {
    await this.#loaded.ready();
    return super.list(tenantId, options);
  }

  override async transition(
    tenantId: string,
    id: string,
    expected: ApprovalStatus,
    patch: Partial<ApprovalRecord> & { status: ApprovalStatus },
  ): Promise<ApprovalRecord | undefined> {
    await this.#loaded.ready();
    const key = tenantKey(tenantId, id);
    const before = this.records.get(key);
    const after = await super.transition(tenantId, id, expected, patch);
    if (!after || !before) return after;
    await this.#journal.append(after).catch((error) => {
      this.records.set(key, before);
      throw error;
    });
    return after;
  }
}

interface ToolEntry {
  tenant_id: string;
  tool: ApprovedTool;
}

export class FileToolStore extends MemoryToolStore {
  readonly #journal: Journal;
  readonly #loaded: LoadOnce;

  constructor(file: string) {
    super();
    this.#journal = new Journal(file);
    this.#loaded = new LoadOnce(async () => {
      for (const entry of (await this.#journal.readAll()) as ToolEntry[])
        await super.put(entry.tenant_id, entry.tool);
    });
  }

  /** Flushes and closes the journal (the gateway's close() calls it). */
  close(): Promise<void> {
    return this.#journal.close();
  }

  override async put(tenantId: string, tool: ApprovedTool): Promise<void> {
    await this.#loaded.ready();
    // Tool approvals are rare and idempotent: write first, then apply, so a failed write changes nothing.
    await this.#journal.append({ tenant_id: tenantId, tool } satisfies ToolEntry);
    await super.put(tenantId, tool);
  }

  override async get(tenantId: string, name: string): Promise<ApprovedTool | undefined> {
    await this.#loaded.ready();
    return super.get(tenantId, name);
  }

  override async list(tenantId: string): Promise<ApprovedTool[]> {
    await this.#loaded.ready();
    return super.list(tenantId);
  }
}

interface PolicyEntry {
  tenant_id: string;
  document: PolicyDocument;
}

export class FilePolicyStore extends MemoryPolicyStore {
  readonly #journal: Journal;
  readonly #loaded: LoadOnce;

  constructor(file: string) {
    super();
    this.#journal = new Journal(file);
    this.#loaded = new LoadOnce(async () => {
      for (const entry of (await this.#journal.readAll()) as PolicyEntry[])
        await super.put(entry.tenant_id, entry.document);
    });
  }

  /** Flushes and closes the journal (the gateway's close() calls it). */
  close(): Promise<void> {
    return this.#journal.close();
  }

  override async get(tenantId: string): Promise<PolicyDocument | undefined> {
    await this.#loaded.ready();
    return super.get(tenantId);
  }

  override async put(tenantId: string, document: PolicyDocument): Promise<void> {
    await this.#loaded.ready();
    await this.#journal.append({ tenant_id: tenantId, document } satisfies PolicyEntry);
    await super.put(tenantId, document);
  }
}

interface IdempotencyEntry {
  scope: string;
  key: string;
  fingerprint: string;
  response: StoredResponse;
  expires_at_ms: number;
}

/**
 * Only finished responses are journaled: an in-flight key belongs to this process and dies with it, so
 * after a restart a retry runs again instead of waiting forever on a request nobody is running.
 */
export class FileIdempotencyStore extends MemoryIdempotencyStore {
  readonly #journal: Journal;
  readonly #loaded: LoadOnce;

  constructor(
    file: string,
    private readonly nowMs: () => number = Date.now,
  ) {
    super();
    this.#journal = new Journal(file);
    this.#loaded = new LoadOnce(async () => {
      const now = this.nowMs();
      const read = (await this.#journal.readAll()) as IdempotencyEntry[];
      const live = new Map<string, IdempotencyEntry>();
      let scrubbed = 0;
      for (const entry of read) {
        if (entry.expires_at_ms <= now) continue;
        const response = withoutLeasedSecret(entry.response);
        if (response !== entry.response) scrubbed += 1;
        live.set(tenantKey(entry.scope, entry.key), { ...entry, response });
        this.records.set(tenantKey(entry.scope, entry.key), {
          fingerprint: entry.fingerprint,
          response,
          expires_at_ms: entry.expires_at_ms,
        });
      }
      // Compaction on start: expired and superseded lines go, and so does any secret an answer stored
      // before leases were kept out of idempotency records. The file is only ever rewritten whole.
      if (scrubbed > 0 || live.size < read.length) await this.#journal.rewrite([...live.values()]);
    });
  }

  /** Flushes and closes the journal (the gateway's close() calls it). */
  close(): Promise<void> {
    return this.#journal.close();
  }

  override async begin(
    scope: string,
    key: string,
    fingerprint: string,
    nowMs: number,
    expiresAtMs: number,
  ): Promise<IdempotencyBegin> {
    await this.#loaded.ready();
    return super.begin(scope, key, fingerprint, nowMs, expiresAtMs);
  }

  override async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    await this.#loaded.ready();
    const record = this.records.get(tenantKey(scope, key));
    if (!record) return;
    await this.#journal.append({
      scope,
      key,
      fingerprint: record.fingerprint,
      response,
      expires_at_ms: record.expires_at_ms,
    } satisfies IdempotencyEntry);
    await super.complete(scope, key, response);
  }

  override async release(scope: string, key: string): Promise<void> {
    await this.#loaded.ready();
    await super.release(scope, key);
  }

  /**
   * The answer is kept in memory now and journaled by the next group commit, which nobody waits for:
   * the guard calls this only for an answer whose ledger event (already durable) records the key, so a
   * keyed preflight costs the ledger's flush and no second one. If the process dies before this line is
   * durable, the ledger event is still there and a retry is refused rather than run again (see
   * idempotency/witness.ts). A failed write changes no answer for the same reason: this process keeps
   * replaying from memory, and after a restart the ledger event speaks for the key.
   */
  remember(scope: string, key: string, response: StoredResponse): Promise<void> {
    const record = this.records.get(tenantKey(scope, key));
    if (!record) return Promise.resolve();
    record.response = { ...response };
    return this.#journal.append(
      {
        scope,
        key,
        fingerprint: record.fingerprint,
        response,
        expires_at_ms: record.expires_at_ms,
      } satisfies IdempotencyEntry,
      // The ledger event is what must survive; this line only saves a retry its 409 (see above).
      { durable: false },
    );
  }
}

/**
 * A stored answer without a credential's value. Answers are stored lease-free (the lease is named in
 * `credential` instead), but a journal written before that may hold `credential.value` in the body;
 * such an answer is replayed without any lease rather than kept with its secret.
 */
function withoutLeasedSecret(response: StoredResponse): StoredResponse {
  // Most answers carry no credential at all: only those are parsed.
  if (!response.body.includes('"credential"')) return response;
  let body: unknown;
  try {
    body = JSON.parse(response.body);
  } catch {
    return response;
  }
  if (typeof body !== 'object' || body === null || !('credential' in body)) return response;
  const credential = (body as { credential?: unknown }).credential;
  if (typeof credential !== 'object' || credential === null || !('value' in credential)) return response;
  const { credential: _secret, ...rest } = body as Record<string, unknown>;
  return { status: response.status, body: JSON.stringify(rest) };
}

/** The journal file names under a state directory, one per store. */
export function stateFiles(dir: string) {
  return {
    ledger: join(dir, 'ledger'),
    approvals: join(dir, 'approvals.jsonl'),
    tools: join(dir, 'tools.jsonl'),
    policies: join(dir, 'policies.jsonl'),
    idempotency: join(dir, 'idempotency.jsonl'),
    jti: join(dir, 'passports.jsonl'),
    vault: join(dir, 'vault.jsonl'),
    suspensions: join(dir, 'suspensions.jsonl'),
    limits: join(dir, 'limits.jsonl'),
    keyset: join(dir, 'keyset.json'),
    vaultKey: join(dir, 'vault.key'),
    devKeys: join(dir, 'dev-keys.json'),
  };
}
