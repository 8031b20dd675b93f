/**
 * Reads a tenant's ledger back through the admin evidence API (never from disk: the API is what an
 * auditor has) and answers the questions the suites ask of it.
 */
import { EVIDENCE_PAGE_LIMIT } from './constants.js';
import { call } from './scenario.js';

export interface LedgerEvent {
  v: number;
  seq: number;
  id: string;
  tenant_id: string;
  type: string;
  at: string;
  data: Record<string, unknown>;
  prev_hash: string;
  hash: string;
}

export interface ChainVerification {
  ok: boolean;
  count?: number;
  head?: { seq: number; hash: string };
  first_broken_seq?: number;
  reason?: string;
}

export async function fetchLedger(baseUrl: string, adminKey: string): Promise<LedgerEvent[]> {
  const events: LedgerEvent[] = [];
  let after = 0;
  for (;;) {
    const page = (await call(
      baseUrl,
      'GET',
      `/api/v1/evidence?after_seq=${after}&limit=${EVIDENCE_PAGE_LIMIT}`,
      adminKey,
    )) as {
      events: LedgerEvent[];
      next_after_seq: number | null;
    };
    events.push(...page.events);
    if (page.next_after_seq === null || page.next_after_seq === undefined || page.events.length === 0)
      return events;
    after = page.next_after_seq;
  }
}

export async function verifyLedger(baseUrl: string, adminKey: string): Promise<ChainVerification> {
  return (await call(baseUrl, 'GET', '/api/v1/evidence/verify', adminKey)) as ChainVerification;
}

export function decisionEvents(events: LedgerEvent[]): LedgerEvent[] {
  return events.filter((event) => event.type === 'decision');
}

/** Decision events per value of `key(event)` (events where it is null are left out). */
export function countBy(events: LedgerEvent[], key: (event: LedgerEvent) => unknown): Map<string, number> {
  const counts = new Map<string, number>();
  for (const event of events) {
    const value = key(event);
    if (value === null || value === undefined) continue;
    counts.set(String(value), (counts.get(String(value)) ?? 0) + 1);
  }
  return counts;
}

/** Keys seen more than once: the suites expect this to be empty. */
export function duplicates(counts: Map<string, number>): string[] {
  return [...counts].filter(([, count]) => count > 1).map(([key]) => key);
}

export function actionOf(event: LedgerEvent): {
  goal?: string;
  tool?: string;
  args?: Record<string, unknown>;
} {
  return (event.data.action ?? {}) as { goal?: string; tool?: string; args?: Record<string, unknown> };
}
