/**
 * In-process stores for tests and ephemeral gateways. Each check-and-set runs without an `await` in
 * between, so it is atomic on the event loop; nothing survives a restart.
 */
import type {
  ApprovalListOptions,
  ApprovalRecord,
  ApprovalStatus,
  ApprovalStore,
  ApprovedTool,
  IdempotencyBegin,
  IdempotencyRecord,
  IdempotencyStore,
  PolicyDocument,
  PolicyStore,
  StoredResponse,
  ToolStore,
} from './types.js';

/** JSON array encoding keeps (tenant, id) pairs distinct whatever characters either contains. */
export function tenantKey(tenantId: string, id: string): string {
  return JSON.stringify([tenantId, id]);
}

export class MemoryApprovalStore implements ApprovalStore {
  protected readonly records = new Map<string, ApprovalRecord>();

  async create(record: ApprovalRecord): Promise<void> {
    this.records.set(tenantKey(record.tenant_id, record.id), structuredClone(record));
  }

  async get(tenantId: string, id: string): Promise<ApprovalRecord | undefined> {
    const record = this.records.get(tenantKey(tenantId, id));
    return record && structuredClone(record);
  }

  async list(tenantId: string, options: ApprovalListOptions): Promise<ApprovalRecord[]> {
    const found: ApprovalRecord[] = [];
    // Map iteration is insertion order; walking it backwards gives newest first.
    for (const record of [...this.records.values()].reverse()) {
      if (record.tenant_id !== tenantId) continue;
      if (options.status !== undefined && record.status !== options.status) continue;
      found.push(structuredClone(record));
      if (found.length >= options.limit) break;
    }
    return found;
  }

  async transition(
    tenantId: string,
    id: string,
    expected: ApprovalStatus,
    patch: Partial<ApprovalRecord> & { status: ApprovalStatus },
  ): Promise<ApprovalRecord | undefined> {
    const key = tenantKey(tenantId, id);
    const current = this.records.get(key);
    if (!current || current.status !== expected) return undefined;
    const next = { ...current, ...patch, id: current.id, tenant_id: current.tenant_id };
    this.records.set(key, next);
    return structuredClone(next);
  }
}

export class MemoryIdempotencyStore implements IdempotencyStore {
  protected readonly records = new Map<string, IdempotencyRecord>();

  async begin(
    scope: string,
    key: string,
    fingerprint: string,
    nowMs: number,
    expiresAtMs: number,
  ): Promise<IdempotencyBegin> {
    const storeKey = tenantKey(scope, key);
    const existing = this.records.get(storeKey);
    if (existing && existing.expires_at_ms > nowMs) return { started: false, record: { ...existing } };
    this.records.set(storeKey, { fingerprint, expires_at_ms: expiresAtMs });
    this.#sweep(nowMs);
    return { started: true };
  }

  async complete(scope: string, key: string, response: StoredResponse): Promise<void> {
    const record = this.records.get(tenantKey(scope, key));
    if (record) record.response = { ...response };
  }

  async release(scope: string, key: string): Promise<void> {
    this.records.delete(tenantKey(scope, key));
  }

  /** Drops expired records now and then, so a long-lived gateway does not keep every key forever. */
  #sweep(nowMs: number): void {
    if (this.records.size % 1024 !== 0) return;
    for (const [key, record] of this.records) if (record.expires_at_ms <= nowMs) this.records.delete(key);
  }
}

export class MemoryToolStore implements ToolStore {
  protected readonly tools = new Map<string, Map<string, ApprovedTool>>();

  async put(tenantId: string, tool: ApprovedTool): Promise<void> {
    let tenantTools = this.tools.get(tenantId);
    if (!tenantTools) {
      tenantTools = new Map();
      this.tools.set(tenantId, tenantTools);
    }
    tenantTools.set(tool.name, structuredClone(tool));
  }

  async get(tenantId: string, name: string): Promise<ApprovedTool | undefined> {
    const tool = this.tools.get(tenantId)?.get(name);
    return tool && structuredClone(tool);
  }

  async list(tenantId: string): Promise<ApprovedTool[]> {
    return [...(this.tools.get(tenantId)?.values() ?? [])]
      .map((tool) => structuredClone(tool))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

/**
 * Every preflight reads the tenant's policy, so documents are stored deep-frozen and handed out as-is:
 * callers cannot change them, and nothing is copied on the hot path.
 */
export class MemoryPolicyStore implements PolicyStore {
  protected readonly documents = new Map<string, PolicyDocument>();

  async get(tenantId: string): Promise<PolicyDocument | undefined> {
    return this.documents.get(tenantId);
  }

  async put(tenantId: string, document: PolicyDocument): Promise<void> {
    this.documents.set(tenantId, deepFreeze(structuredClone(document)));
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null) {
    for (const member of Object.values(value)) deepFreeze(member);
    Object.freeze(value);
  }
  return value;
}
