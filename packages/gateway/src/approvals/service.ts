/**
 * Approval requests: `pending → approved | denied | expired`, then `used`. Every transition is
 * a compare-and-set in the store, which is what makes "approved → used" happen for exactly one re-run
 * even when many race, and lets only one approver decide.
 *
 * Expiry is evaluated lazily against the injected clock: a pending or approved request past its
 * `expires_at` is moved to `expired` the next time anyone looks at it.
 */
import { randomBytes } from 'node:crypto';
import { APPROVAL_ID_PREFIX, APPROVAL_TTL_MS, ID_RANDOM_BYTES } from '../constants.js';
import { base64urlEncode } from '../crypto/index.js';
import type { AppendInput, LedgerStore } from '../ledger/index.js';
import { KeyedQueue } from '../ledger/queue.js';
import type { PassportClaims } from '../passport/index.js';
import type { RiskTier } from '../policy/index.js';
import { NotFoundError, StateConflictError } from '../store/errors.js';
import type { ApprovalRecord, ApprovalStatus, ApprovalStore, CanonicalAction } from '../store/types.js';

export interface ApprovalViewer {
  tenantId: string;
  keyId: string;
  agentId: string | null;
  isApprover: boolean;
}

export interface NewApproval {
  tenantId: string;
  action: CanonicalAction;
  actionHash: string;
  reasonCode: string;
  /** The verdict's summary (the matched rule's description), kept for the approver. */
  summary?: string;
  riskTier: RiskTier;
  requestedByKey: string;
  passport?: { jti: string; claims: PassportClaims };
  requestId: string;
}

/** What a re-run with `approval_request_id` finds. */
export type RerunLookup =
  | { state: 'missing' }
  | { state: 'mismatch' }
  | { state: ApprovalStatus; record: ApprovalRecord };

/** An approval keeps at most this much of the verdict's summary (the contract's bound). */
const SUMMARY_MAX_CHARS = 1024;

const DECIDED_CONFLICT: Record<ApprovalStatus, { code: string; message: string }> = {
  pending: { code: 'approval.pending', message: 'is still pending' },
  approved: { code: 'approval.granted', message: 'was already approved' },
  used: { code: 'approval.granted', message: 'was already approved and used' },
  denied: { code: 'approval.denied', message: 'was already denied' },
  expired: { code: 'approval.expired', message: 'has expired; the agent must ask again' },
};

export function newApprovalId(): string {
  return APPROVAL_ID_PREFIX + base64urlEncode(randomBytes(ID_RANDOM_BYTES));
}

/** The contract's `ApprovalRequest`: the stored record without what only the gateway needs. */
export function publicApproval(record: ApprovalRecord) {
  const { tenant_id: _t, requested_by_key: _k, passport: _p, used_at: _u, ...visible } = record;
  return visible;
}

export class ApprovalService {
  /** Decisions on one request run one at a time in this process (see `decide`). */
  readonly #deciding = new KeyedQueue();

  constructor(
    private readonly store: ApprovalStore,
    private readonly ledger: LedgerStore,
    private readonly nowMs: () => number,
    private readonly ttlMs: number = APPROVAL_TTL_MS,
  ) {}

  /** Holds an action for a person. The ledger records the request before anyone can act on it. */
  async request(input: NewApproval): Promise<ApprovalRecord> {
    const now = this.nowMs();
    const record: ApprovalRecord = {
      id: newApprovalId(),
      tenant_id: input.tenantId,
      status: 'pending',
      action: input.action,
      action_hash: input.actionHash,
      reason_code: input.reasonCode,
      ...(input.summary ? { summary: input.summary.slice(0, SUMMARY_MAX_CHARS) } : {}),
      risk_tier: input.riskTier,
      created_at: new Date(now).toISOString(),
      expires_at: new Date(now + this.ttlMs).toISOString(),
      requested_by_key: input.requestedByKey,
      ...(input.passport ? { passport: input.passport } : {}),
    };
    await this.ledger.append(input.tenantId, {
      type: 'approval.requested',
      data: {
        approval_request_id: record.id,
        action_hash: record.action_hash,
        tool: record.action.tool,
        agent_id: record.action.agent_id,
        reason_code: record.reason_code,
        risk_tier: record.risk_tier,
        expires_at: record.expires_at,
        passport_jti: input.passport?.jti ?? null,
        request_id: input.requestId,
      },
    });
    await this.store.create(record);
    return record;
  }

  /** One request, if the viewer may see it: approvers see the tenant's, agents only their own. */
  async get(viewer: ApprovalViewer, id: string): Promise<ApprovalRecord> {
    const record = await this.#current(viewer.tenantId, id);
    if (!record || !canSee(viewer, record)) throw new NotFoundError(`No approval request ${id}.`);
    return record;
  }

  async list(tenantId: string, status: ApprovalStatus | undefined, limit: number): Promise<ApprovalRecord[]> {
    await this.#expireDue(tenantId);
    return this.store.list(tenantId, { status, limit });
  }

  /**
   * A decision takes effect only together with its ledger event, and only the winner's event is ever
   * written. Where the store can (PostgreSQL, several processes), the event and the compare-and-set
   * commit in one transaction, so a losing approver leaves no verdict in the chain. Otherwise (one
   * process owns the stores) decisions on one request are serialized here: the event is appended first
   * and the request moves only once it is durable, so a failed append leaves it pending.
   */
  decide(
    viewer: ApprovalViewer,
    id: string,
    verdict: 'approved' | 'denied',
    note: string | undefined,
  ): Promise<ApprovalRecord> {
    return this.#deciding.run(JSON.stringify([viewer.tenantId, id]), async () => {
      const current = await this.get(viewer, id);
      if (current.status !== 'pending') throw conflict(id, current.status);
      const event = {
        type: verdict === 'approved' ? 'approval.approved' : 'approval.denied',
        data: {
          approval_request_id: id,
          action_hash: current.action_hash,
          decided_by: viewer.keyId,
          note: note ?? null,
        },
      };
      const patch = {
        status: verdict,
        decided_by: viewer.keyId,
        decided_at: new Date(this.nowMs()).toISOString(),
        ...(note !== undefined ? { note } : {}),
      };
      const decided = await this.#settle(viewer.tenantId, id, patch, event);
      if (!decided) {
        const now = await this.#current(viewer.tenantId, id);
        throw conflict(id, now?.status ?? 'expired');
      }
      return decided;
    });
  }

  /** pending → verdict with its event: in one transaction where the store can, else event first. */
  async #settle(
    tenantId: string,
    id: string,
    patch: Partial<ApprovalRecord> & { status: ApprovalStatus },
    event: AppendInput,
  ): Promise<ApprovalRecord | undefined> {
    if (this.store.transitionRecorded) {
      const together = await this.store.transitionRecorded(
        tenantId,
        id,
        'pending',
        patch,
        this.ledger,
        event,
      );
      if (together !== null) return together;
    }
    await this.ledger.append(tenantId, event);
    return this.store.transition(tenantId, id, 'pending', patch);
  }

  /** What a preflight re-run with this approval id and action hash finds. */
  async lookupForRerun(tenantId: string, id: string, actionHash: string): Promise<RerunLookup> {
    const record = await this.#current(tenantId, id);
    if (!record) return { state: 'missing' };
    if (record.action_hash !== actionHash) return { state: 'mismatch' };
    return { state: record.status, record };
  }

  /** approved → used, for exactly one caller. */
  async consume(tenantId: string, id: string): Promise<boolean> {
    const used = await this.store.transition(tenantId, id, 'approved', {
      status: 'used',
      used_at: new Date(this.nowMs()).toISOString(),
    });
    return used !== undefined;
  }

  /** used → approved: the one re-run that spent the approval could not record its decision (a 503). */
  async unconsume(tenantId: string, id: string): Promise<void> {
    await this.store.transition(tenantId, id, 'used', { status: 'approved', used_at: undefined });
  }

  async #current(tenantId: string, id: string): Promise<ApprovalRecord | undefined> {
    const record = await this.store.get(tenantId, id);
    if (!record) return undefined;
    return this.#expireIfDue(record);
  }

  async #expireIfDue(record: ApprovalRecord): Promise<ApprovalRecord> {
    const due =
      (record.status === 'pending' || record.status === 'approved') && this.#isPast(record.expires_at);
    if (!due) return record;
    const expired = await this.store.transition(record.tenant_id, record.id, record.status, {
      status: 'expired',
    });
    return expired ?? ((await this.store.get(record.tenant_id, record.id)) as ApprovalRecord);
  }

  async #expireDue(tenantId: string): Promise<void> {
    for (const status of ['pending', 'approved'] as const) {
      const open = await this.store.list(tenantId, { status, limit: Number.MAX_SAFE_INTEGER });
      for (const record of open) await this.#expireIfDue(record);
    }
  }

  #isPast(timestamp: string): boolean {
    return this.nowMs() >= Date.parse(timestamp);
  }
}

function canSee(viewer: ApprovalViewer, record: ApprovalRecord): boolean {
  if (viewer.isApprover) return true;
  if (record.requested_by_key === viewer.keyId) return true;
  return viewer.agentId !== null && record.action.agent_id === viewer.agentId;
}

function conflict(id: string, status: ApprovalStatus): StateConflictError {
  const { code, message } = DECIDED_CONFLICT[status];
  return new StateConflictError(code, `Approval request ${id} ${message}.`);
}
