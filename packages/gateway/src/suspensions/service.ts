/**
 * The kill switch: suspensions are created and resumed here, sealed in the ledger, and checked by
 * every preflight. Each process keeps a tenant's active list for at most `refreshMs` (a short poll of
 * the shared store), so a suspension made on any process sharing the store is in force everywhere
 * within that bound; one made or resumed here is in force here at once.
 */

import { randomBytes } from 'node:crypto';
import { ID_RANDOM_BYTES, SUSPENSION_ID_PREFIX, SUSPENSION_REFRESH_MS } from '../constants.js';
import { base64urlEncode } from '../crypto/index.js';
import type { LedgerStore } from '../ledger/index.js';
import { NotFoundError, StateConflictError } from '../store/errors.js';
import type { SuspensionRecord, SuspensionStore } from '../store/types.js';
import { coveringSuspension, type SuspendableAction, suspendedReason } from './scope.js';
import { type SuspensionInput, validateSuspension } from './validate.js';

export type SuspensionStatus = 'active' | 'resumed' | 'expired';

/** The contract's `Suspension`. */
export interface SuspensionView {
  id: string;
  scope: SuspensionRecord['scope'];
  match: string;
  reason: string;
  status: SuspensionStatus;
  created_at: string;
  created_by: string;
  until?: string;
  resumed_at?: string;
  resumed_by?: string;
}

interface CachedList {
  records: Promise<SuspensionRecord[]>;
  /** Monotonic time the read started: a read that began before a change never counts as after it. */
  startedAt: number;
}

export class SuspensionService {
  readonly #cache = new Map<string, CachedList>();

  constructor(
    private readonly store: SuspensionStore,
    private readonly ledger: LedgerStore,
    private readonly nowMs: () => number,
    private readonly refreshMs = SUSPENSION_REFRESH_MS,
  ) {}

  async create(tenantId: string, keyId: string, input: SuspensionInput): Promise<SuspensionView> {
    const now = this.nowMs();
    const valid = validateSuspension(input, now);
    const record: SuspensionRecord = {
      id: SUSPENSION_ID_PREFIX + base64urlEncode(randomBytes(ID_RANDOM_BYTES)),
      tenant_id: tenantId,
      scope: valid.scope,
      match: valid.match,
      reason: valid.reason,
      created_at: new Date(now).toISOString(),
      created_by: keyId,
      ...(valid.untilMs !== undefined ? { until: new Date(valid.untilMs).toISOString() } : {}),
    };
    // Sealed first: a suspension is in force only together with its event (a failed append is a 503).
    await this.ledger.append(tenantId, {
      type: 'suspension.created',
      data: {
        suspension_id: record.id,
        scope: record.scope,
        match: record.match,
        reason: record.reason,
        until: record.until ?? null,
        key_id: keyId,
      },
    });
    await this.store.create(record);
    this.#cache.delete(tenantId);
    return view(record, now);
  }

  async resume(tenantId: string, keyId: string, id: string): Promise<SuspensionView> {
    const existing = await this.store.get(tenantId, id);
    if (!existing) throw new NotFoundError(`No suspension ${id}.`);
    const now = this.nowMs();
    if (existing.resumed_at !== undefined || statusOf(existing, now) !== 'active') return view(existing, now);
    const resumedAt = new Date(now).toISOString();
    await this.ledger.append(tenantId, {
      type: 'suspension.resumed',
      data: {
        suspension_id: id,
        scope: existing.scope,
        match: existing.match,
        reason: existing.reason,
        key_id: keyId,
      },
    });
    const resumed = await this.store.resume(tenantId, id, { resumed_at: resumedAt, resumed_by: keyId });
    this.#cache.delete(tenantId);
    // Another admin resumed it between the read and the write: theirs stands, answer it.
    const current = resumed ?? (await this.store.get(tenantId, id)) ?? existing;
    return view(current, now);
  }

  async get(tenantId: string, id: string): Promise<SuspensionView> {
    const record = await this.store.get(tenantId, id);
    if (!record) throw new NotFoundError(`No suspension ${id}.`);
    return view(record, this.nowMs());
  }

  async list(tenantId: string, activeOnly: boolean, limit: number): Promise<SuspensionView[]> {
    const now = this.nowMs();
    if (activeOnly) {
      const active = await this.store.active(tenantId, now);
      return active
        .sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0))
        .slice(0, limit)
        .map((record) => view(record, now));
    }
    return (await this.store.list(tenantId, limit)).map((record) => view(record, now));
  }

  /** The suspension covering this action now, if any (from a list at most `refreshMs` old). */
  async covering(tenantId: string, action: SuspendableAction): Promise<SuspensionRecord | undefined> {
    const now = this.nowMs();
    const active = (await this.#active(tenantId)).filter((record) => statusOf(record, now) === 'active');
    return coveringSuspension(active, action);
  }

  /** Refuses (409 `suspended.<scope>`) to release a held action that a suspension covers. */
  async assertReleasable(tenantId: string, action: SuspendableAction, what: string): Promise<void> {
    const found = await this.covering(tenantId, action);
    if (!found) return;
    throw new StateConflictError(
      suspendedReason(found.scope),
      `${what} cannot be approved: ${describeSuspension(found)}. Resume the suspension first (DELETE /api/v1/suspensions/${found.id}).`,
    );
  }

  #active(tenantId: string): Promise<SuspensionRecord[]> {
    const cached = this.#cache.get(tenantId);
    const at = performance.now();
    if (cached && at - cached.startedAt < this.refreshMs) return cached.records;
    const records = this.store.active(tenantId, this.nowMs());
    const entry: CachedList = { records, startedAt: at };
    this.#cache.set(tenantId, entry);
    // A failed read is not kept: the next preflight asks the store again (and this one fails closed).
    records.catch(() => {
      if (this.#cache.get(tenantId) === entry) this.#cache.delete(tenantId);
    });
    return records;
  }
}

/** "agent support_agent is suspended (sus_…): <reason>", for summaries and errors. */
export function describeSuspension(record: SuspensionRecord): string {
  const subject =
    record.scope === 'tenant' ? 'the tenant' : `${record.scope} ${JSON.stringify(record.match)}`;
  return `${subject} is suspended (${record.id}): ${record.reason}`;
}

export function statusOf(record: SuspensionRecord, nowMs: number): SuspensionStatus {
  if (record.resumed_at !== undefined) return 'resumed';
  if (record.until !== undefined && Date.parse(record.until) <= nowMs) return 'expired';
  return 'active';
}

function view(record: SuspensionRecord, nowMs: number): SuspensionView {
  const { tenant_id: _tenant, ...fields } = record;
  return { ...fields, status: statusOf(record, nowMs) };
}
