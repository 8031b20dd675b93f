/**
 * One store interface per concept, all peers: memory and file implementations live beside them and a
 * PostgreSQL adapter would be one more peer per interface, not a special case. Every method is async
 * and keyed by tenant, so each maps onto one SQL statement (the compare-and-set ones onto an
 * `UPDATE … WHERE status = $expected`, the insert-if-absent ones onto `INSERT … ON CONFLICT DO NOTHING`).
 *
 * The ledger, passport (jti) and vault stores are defined by their concept folders and only gathered
 * here; approvals, idempotency, tools and policies are the gateway's own.
 */
import type { AppendInput, LedgerStore } from '../ledger/index.js';
import type { JtiClaimStore, PassportClaims } from '../passport/index.js';
import type { JsonObject, RiskTier } from '../policy/index.js';
import type { VaultStore } from '../vault/index.js';

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired' | 'used';

/** The action whose canonical form is hashed into `action_hash`. */
export interface CanonicalAction {
  tenant_id: string;
  agent_id: string | null;
  user_id: string | null;
  goal: string;
  tool: string;
  resource: string | null;
  args: JsonObject;
}

/** An approval request as stored: the public fields of the contract plus what the gateway needs. */
export interface ApprovalRecord {
  id: string;
  tenant_id: string;
  status: ApprovalStatus;
  action: CanonicalAction;
  action_hash: string;
  reason_code: string;
  /** Why it was held, in words (the matched rule's description), shown to the approver. */
  summary?: string;
  risk_tier: RiskTier;
  created_at: string;
  expires_at: string;
  decided_by?: string;
  decided_at?: string;
  note?: string;
  used_at?: string;
  /** The key that asked, so the agent that was held can poll its own request and nobody else's. */
  requested_by_key: string;
  /** The delegation verified when the action was held: the re-run inherits it instead of a passport. */
  passport?: { jti: string; claims: PassportClaims };
}

export interface ApprovalListOptions {
  status?: ApprovalStatus;
  limit: number;
}

export interface ApprovalStore {
  create(record: ApprovalRecord): Promise<void>;
  get(tenantId: string, id: string): Promise<ApprovalRecord | undefined>;
  /** Newest first. */
  list(tenantId: string, options: ApprovalListOptions): Promise<ApprovalRecord[]>;
  /**
   * Compare-and-set: applies `patch` only if the record is currently `expected`; resolves the updated
   * record, or undefined when the status had moved on (another approver, another re-run won).
   */
  transition(
    tenantId: string,
    id: string,
    expected: ApprovalStatus,
    patch: Partial<ApprovalRecord> & { status: ApprovalStatus },
  ): Promise<ApprovalRecord | undefined>;
  /**
   * Optional: `transition` and the ledger event recording it in one transaction, so a compare-and-set
   * that loses leaves no event (stores sharing a database with the ledger, where several processes
   * race). Null when this store cannot share a transaction with `ledger`.
   */
  transitionRecorded?(
    tenantId: string,
    id: string,
    expected: ApprovalStatus,
    patch: Partial<ApprovalRecord> & { status: ApprovalStatus },
    ledger: LedgerStore,
    event: AppendInput,
  ): Promise<ApprovalRecord | undefined | null>;
}

/** A response as it is replayed for a repeated Idempotency-Key. */
export interface StoredResponse {
  status: number;
  /** Never holds a secret: a credential lease is left out and named in `credential` instead. */
  body: string;
  /** The credential the first answer carried; a replay leases it again if it is still there and bound. */
  credential?: LeasedCredentialRef;
}

/** Which credential an answer carried, without its value. */
export interface LeasedCredentialRef {
  tool: string;
  name: string;
}

export interface IdempotencyRecord {
  /** SHA-256 of the canonical {method, path, body}: a different body under the same key is a conflict. */
  fingerprint: string;
  /** Undefined while the first request is still running. */
  response?: StoredResponse;
  expires_at_ms: number;
}

export type IdempotencyBegin =
  | {
      started: true;
      /**
       * Set when this call took over a claim whose request never answered (its process died, its lease
       * ran out): that request may have been decided before it died, so the caller asks the ledger.
       * `claimedAtMs` is when the abandoned claim was made.
       */
      recovered?: { claimedAtMs: number };
    }
  | { started: false; record: IdempotencyRecord };

export interface IdempotencyStore {
  /** Insert-if-absent (an expired record counts as absent): exactly one caller per key gets `started`. */
  begin(
    scope: string,
    key: string,
    fingerprint: string,
    nowMs: number,
    expiresAtMs: number,
  ): Promise<IdempotencyBegin>;
  complete(scope: string, key: string, response: StoredResponse): Promise<void>;
  /**
   * Optional: `complete` for an answer nobody waits on. The guard calls it only for an answer whose
   * ledger event already records the key (a decision's `idempotency_key_sha256`) and does not await
   * it, so a keyed preflight waits for the ledger's flush alone; until it resolves the guard replays
   * the answer from its own memory. If the record is lost in a crash, the claim (see below) or the
   * ledger event is what speaks for the key.
   */
  remember?(scope: string, key: string, response: StoredResponse): Promise<void>;
  /**
   * True when a started key's claim is durable before its request's ledger event (PostgreSQL): a
   * record whose answer was lost then stays "in progress" until it expires, so a retry is refused
   * without asking the ledger. Otherwise (the file store) the ledger is asked after a restart.
   */
  readonly claimOutlivesCrash?: boolean;
  /** Forgets a started key whose request failed for a transient reason, so a retry runs again. */
  release(scope: string, key: string): Promise<void>;
}

export interface ToolDefinition {
  name: string;
  description: string;
  input_schema: JsonObject;
  output_schema?: JsonObject;
  annotations?: JsonObject;
}

export interface ApprovedTool {
  name: string;
  hash: string;
  definition: ToolDefinition;
  approved_at: string;
}

export interface ToolStore {
  put(tenantId: string, tool: ApprovedTool): Promise<void>;
  get(tenantId: string, name: string): Promise<ApprovedTool | undefined>;
  list(tenantId: string): Promise<ApprovedTool[]>;
}

export interface PolicyDocument {
  policy: JsonObject;
  hash: string;
  updated_at: string;
}

export interface PolicyStore {
  get(tenantId: string): Promise<PolicyDocument | undefined>;
  put(tenantId: string, document: PolicyDocument): Promise<void>;
  /**
   * Optional: stores `document` only if the tenant has no policy, together with `event` in one
   * transaction, and resolves the policy in force afterwards (this one, or the one already there).
   * Null when this store cannot share a transaction with `ledger`.
   */
  createRecorded?(
    tenantId: string,
    document: PolicyDocument,
    ledger: LedgerStore,
    event: AppendInput,
  ): Promise<PolicyDocument | null>;
}

/** Everything the gateway persists. Pick memory or file per concept, or bring your own peer. */
export interface GatewayStores {
  ledger: LedgerStore;
  jti: JtiClaimStore;
  vault: VaultStore;
  approvals: ApprovalStore;
  idempotency: IdempotencyStore;
  tools: ToolStore;
  policies: PolicyStore;
  suspensions: SuspensionStore;
  limits: LimitStore;
}

export type SuspensionScope = 'agent' | 'user' | 'tool' | 'tenant';

/** A kill-switch entry as stored; its status (active, resumed, expired) is derived, never stored. */
export interface SuspensionRecord {
  id: string;
  tenant_id: string;
  scope: SuspensionScope;
  /** The agent id, user id or tool glob; `*` for the tenant. */
  match: string;
  reason: string;
  created_at: string;
  /** The admin key that suspended. */
  created_by: string;
  /** When it ends by itself; absent: until resumed. */
  until?: string;
  resumed_at?: string;
  resumed_by?: string;
}

export interface SuspensionStore {
  create(record: SuspensionRecord): Promise<void>;
  get(tenantId: string, id: string): Promise<SuspensionRecord | undefined>;
  /** Newest first, ended ones included. */
  list(tenantId: string, limit: number): Promise<SuspensionRecord[]>;
  /** Those not resumed and not past `until` at `nowMs`: what every preflight is checked against. */
  active(tenantId: string, nowMs: number): Promise<SuspensionRecord[]>;
  /**
   * Compare-and-set: records the resume only if the suspension was not resumed yet; resolves the
   * updated record, or undefined when it was already resumed (or does not exist).
   */
  resume(
    tenantId: string,
    id: string,
    resumed: { resumed_at: string; resumed_by: string },
  ): Promise<SuspensionRecord | undefined>;
}

/** One counter a rate limit or budget adds to: per key, per fixed window. */
export interface LimitCounter {
  /** SHA-256 of the limit's identity (rule, kind, window, argument, the `per` values). */
  key: string;
  window_start_ms: number;
}

export interface LimitCharge extends LimitCounter {
  /** When the window ends: the counter can be dropped after it. */
  window_end_ms: number;
  /** 1 for a rate limit, the argument's value for a budget. */
  amount: number;
  /** The counter may reach this and not pass it. */
  max: number;
}

export interface LimitStore {
  /** What each counter holds now (0 for one never charged), in order. */
  usage(tenantId: string, counters: readonly LimitCounter[]): Promise<number[]>;
  /**
   * All or nothing, atomically across every process sharing the store: adds each charge's amount
   * only if every counter stays at or below its max. False (nothing added) when one would pass it.
   */
  charge(tenantId: string, charges: readonly LimitCharge[]): Promise<boolean>;
  /** Takes back charges whose action did not run after all (best effort, never below zero). */
  refund(tenantId: string, charges: readonly LimitCharge[]): Promise<void>;
}
