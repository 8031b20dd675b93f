/**
 * Where events come from, without the concepts knowing: the approval store is wrapped so every
 * request it creates and every status it moves to is published once its write succeeded, and the
 * ledger so an enforced blocking decision is published once it is durable. Each event is published by
 * the one process whose write won (the store's compare-and-set decides), so several processes sharing
 * a database never publish the same change twice.
 *
 * Publishing only enqueues; a failure inside it is swallowed so it can never change an answer.
 */
import type { AppendInput, LedgerEvent, LedgerStore } from '../ledger/index.js';
import type { ApprovalRecord, ApprovalStore } from '../store/types.js';
import { WEBHOOK_EXPIRY_SWEEP_MS } from './constants.js';
import type { BlockedDecision } from './event.js';
import type { Notifications } from './service.js';

const BLOCKING = new Set(['deny', 'require_tool_reapproval']);

function quietly(publish: () => void): void {
  try {
    publish();
  } catch {
    // A notification must never fail the write it reports.
  }
}

export function notifyingApprovals(store: ApprovalStore, notifications: Notifications): ApprovalStore {
  const published = (record: ApprovalRecord | undefined | null) => {
    if (record) quietly(() => notifications.publishApproval(record));
    return record;
  };
  return new Proxy(store, {
    get(target, property) {
      if (property === 'create') {
        return async (record: ApprovalRecord) => {
          await target.create(record);
          published(record);
        };
      }
      if (property === 'transition') {
        return async (...args: Parameters<ApprovalStore['transition']>) =>
          published(await target.transition(...args));
      }
      if (property === 'transitionRecorded' && typeof target.transitionRecorded === 'function') {
        const recorded = target.transitionRecorded.bind(target);
        return async (...args: Parameters<NonNullable<ApprovalStore['transitionRecorded']>>) =>
          published(await recorded(...args));
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export function notifyingLedger<S extends LedgerStore>(ledger: S, notifications: Notifications): S {
  return new Proxy(ledger, {
    get(target, property) {
      if (property === 'append') {
        return async (tenantId: string, input: AppendInput) => {
          const event = await target.append(tenantId, input);
          if (input.type === 'decision') quietly(() => publishIfBlocked(notifications, tenantId, event));
          return event;
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

function publishIfBlocked(notifications: Notifications, tenantId: string, event: LedgerEvent): void {
  const data = event.data as Record<string, unknown>;
  if (data.enforced !== true || !BLOCKING.has(String(data.decision))) return;
  const decision: BlockedDecision = {
    request_id: String(data.request_id ?? ''),
    decision: String(data.decision),
    reason_code: String(data.reason_code ?? ''),
    risk_tier: String(data.risk_tier ?? ''),
    mode: String(data.mode ?? ''),
    action_hash: String(data.action_hash ?? ''),
    action: data.action as BlockedDecision['action'],
    evidence_event_id: event.id,
    decided_at: String(data.decided_at ?? event.at),
  };
  notifications.publishBlocked(tenantId, decision);
}

/**
 * Expiry is lazy (a request moves to `expired` when someone looks at it), so a timer looks: in the
 * tenants where an endpoint wants `approval.expired`, listing the held requests expires the due ones,
 * and the wrapped store publishes each expiry. Stopped by the returned function.
 */
export function sweepExpiries(
  notifications: Notifications,
  list: (tenantId: string) => Promise<unknown>,
  everyMs = WEBHOOK_EXPIRY_SWEEP_MS,
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    const tenants = [...notifications.tenantsWatchingExpiry()];
    Promise.allSettled(tenants.map((tenantId) => list(tenantId))).finally(() => {
      running = false;
    });
  }, everyMs);
  timer.unref?.();
  return () => clearInterval(timer);
}
