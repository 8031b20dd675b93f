/**
 * The TypeScript SDK through the fault proxy, in every fault mode and every SDK mode, then an audit of
 * the gateway's ledger and the proxy's log. The audit (`auditFaultRun`) is language-neutral: the
 * Python suite produces the same `CallRecord`s and is judged by the same rules.
 */
import { ActPass, type Mode } from '@actpass/sdk';
import type { FaultMode, FaultProxy, ForwardedRequest } from './fault-proxy.js';
import { actionOf, decisionEvents, fetchLedger, type LedgerEvent, verifyLedger } from './ledger-audit.js';
import { cellGoal, refundAction, runnableDecisions, type SdkMode } from './scenario.js';

export interface CallRecord {
  goal: string;
  mode: SdkMode;
  fault: FaultMode;
  executed: boolean;
  /** What guard() returned. */
  decision: string;
  source: string;
  reasonCode: string;
  evidenceEventId: string | null;
}

export interface FaultAudit {
  cases: number;
  faultsInjected: number;
  /** Executions outside monitor not backed by one ledger decision that permits them. */
  wronglyRun: string[];
  /** Monitor calls whose execute did not run. */
  monitorNotRun: string[];
  /** Gateway decisions a client received that the ledger does not hold. */
  lost: string[];
  /** Received decisions whose ids were altered in transit but still parsed (corrupt mode only). */
  alteredInTransit: number;
  /** Logical calls (goals) the ledger decided more than once. */
  duplicateDecisions: string[];
  /** Idempotency keys (hashed) the ledger decided more than once. */
  duplicateKeys: string[];
  /** Preflight bodies that travelled under more than one Idempotency-Key, or none. */
  keyChanges: string[];
  /** Forwarded preflight attempts beyond the first of a call: proof that retries happened. */
  retries: number;
  chainOk: boolean;
}

export interface RunCellOptions {
  proxy: FaultProxy;
  gateway: { url: string; tenantId: string; keys: { agent: string; admin: string } };
  fault: FaultMode;
  mode: SdkMode;
  calls: number;
  /** Prefix of every goal, unique per run. */
  runId: string;
  timeoutMs: number;
  maxRetries?: number;
  /** One single-use passport per call (strict needs them). */
  passports?: string[];
}

const quiet = {};

/** Runs one (fault, mode) cell: `calls` concurrent guard() calls, half of them actions policy denies. */
export async function runCell(options: RunCellOptions): Promise<CallRecord[]> {
  const client = new ActPass({
    apiKey: options.gateway.keys.agent,
    tenantId: options.gateway.tenantId,
    agentId: 'reliability-agent',
    baseUrl: options.proxy.url,
    mode: options.mode as Mode,
    timeoutMs: options.timeoutMs,
    maxRetries: options.maxRetries ?? 2,
    // Retries without waiting: the faults, not the backoff, are under test.
    sleep: async () => {},
    recordOutcomes: false,
    logger: quiet,
  });
  const calls = Array.from({ length: options.calls }, async (_, index) => {
    const goal = cellGoal(options.runId, options.fault, options.mode, index);
    const action = refundAction(goal, index % 2 === 0);
    const passport = options.passports?.[index];
    const outcome = await client.guard({
      ...action,
      ...(passport ? { passport } : {}),
      execute: () => 'done',
    });
    const decision = outcome.decision as unknown as Record<string, unknown>;
    return {
      goal,
      mode: options.mode,
      fault: options.fault,
      executed: outcome.executed,
      decision: String(decision.decision),
      source: String(decision.source),
      reasonCode: String(decision.reason_code),
      evidenceEventId: typeof decision.evidence_event_id === 'string' ? decision.evidence_event_id : null,
    } satisfies CallRecord;
  });
  return Promise.all(calls);
}

/** Judges a run: the calls as the clients saw them, against the ledger and the proxy log. */
export async function auditFaultRun(
  gateway: { url: string; keys: { admin: string } },
  calls: CallRecord[],
  forwarded: ForwardedRequest[],
  faultsInjected: number,
): Promise<FaultAudit> {
  const ledger = decisionEvents(await fetchLedger(gateway.url, gateway.keys.admin));
  const byGoal = new Map<string, LedgerEvent[]>();
  for (const event of ledger) {
    const goal = actionOf(event).goal;
    if (goal !== undefined) byGoal.set(goal, [...(byGoal.get(goal) ?? []), event]);
  }
  const audit: FaultAudit = {
    cases: calls.length,
    faultsInjected,
    wronglyRun: [],
    monitorNotRun: [],
    lost: [],
    alteredInTransit: 0,
    duplicateDecisions: [],
    duplicateKeys: [],
    keyChanges: [],
    retries: 0,
    chainOk: false,
  };
  const goals = new Set(calls.map((call) => call.goal));
  for (const call of calls) {
    const recorded = byGoal.get(call.goal) ?? [];
    if (call.mode === 'monitor') {
      if (!call.executed) audit.monitorNotRun.push(call.goal);
    } else if (call.executed) {
      const permits = runnableDecisions(call.mode);
      const backed =
        call.source === 'gateway' &&
        permits.includes(call.decision) &&
        recorded.length === 1 &&
        permits.includes(String(recorded[0]?.data.decision));
      if (!backed)
        audit.wronglyRun.push(
          `${call.goal}: ran on ${call.decision}/${call.source}, ledger ${describe(recorded)}`,
        );
    }
    if (call.source === 'gateway') {
      if (recorded.length === 0)
        audit.lost.push(`${call.goal}: received ${call.evidenceEventId}, ledger has none`);
      else if (!recorded.some((event) => event.id === call.evidenceEventId)) {
        if (call.fault === 'corrupt') audit.alteredInTransit++;
        else audit.lost.push(`${call.goal}: received ${call.evidenceEventId}, ledger ${describe(recorded)}`);
      }
    }
  }
  for (const [goal, events] of byGoal) {
    if (goals.has(goal) && events.length > 1) audit.duplicateDecisions.push(`${goal}: ${describe(events)}`);
  }
  const keyCounts = new Map<string, number>();
  for (const event of ledger) {
    const key = event.data.idempotency_key_sha256;
    if (typeof key === 'string' && goals.has(String(actionOf(event).goal)))
      keyCounts.set(key, (keyCounts.get(key) ?? 0) + 1);
  }
  audit.duplicateKeys = [...keyCounts].filter(([, count]) => count > 1).map(([key]) => key);
  const keysByBody = new Map<string, Set<string | null>>();
  let preflights = 0;
  for (const request of forwarded) {
    if (request.method !== 'POST' || !request.path.endsWith('/actions/preflight')) continue;
    preflights++;
    const keys = keysByBody.get(request.bodySha256) ?? new Set();
    keys.add(request.idempotencyKey);
    keysByBody.set(request.bodySha256, keys);
  }
  for (const [body, keys] of keysByBody) {
    if (keys.size !== 1 || keys.has(null)) audit.keyChanges.push(`${body}: ${[...keys].join(', ')}`);
  }
  audit.retries = preflights - keysByBody.size;
  audit.chainOk = (await verifyLedger(gateway.url, gateway.keys.admin)).ok === true;
  return audit;
}

function describe(events: LedgerEvent[]): string {
  return events.length === 0
    ? 'none'
    : events.map((event) => `${event.id}=${String(event.data.decision)}`).join(',');
}
