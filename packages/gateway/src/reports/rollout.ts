/**
 * The rollout report: what the recorded decisions of a window were, and what `enforce`
 * would have answered for each — the page a team reads before switching from monitor to enforce.
 *
 * One pass over the events: counts by tool × reason × mode × decision × enforce answer, the same in
 * time buckets, and the monitor and warn actions that enforce would block, grouped by tool, resource
 * and reason. Pure: it reads the events it is handed.
 */
import { BLOCKING_DECISIONS, OBSERVED_MODES, REPORT_BUCKET_MS, REPORT_MAX_BUCKETS } from '../constants.js';
import type { LedgerEvent } from '../ledger/index.js';
import type { DecisionValue } from '../policy/index.js';
import { InvalidInputError } from '../store/errors.js';
import type { ReportWindow } from './window.js';

export type ReportBucket = keyof typeof REPORT_BUCKET_MS;

export type DecisionCounts = Record<DecisionValue, number>;

export interface RolloutCount {
  tool: string;
  reason_code: string;
  mode: string;
  decision: DecisionValue;
  enforce_decision: DecisionValue;
  count: number;
}

export interface RolloutBucket {
  start: string;
  total: number;
  would_block: number;
  by_enforce_decision: DecisionCounts;
}

export interface WouldBlockAction {
  tool: string;
  resource: string | null;
  reason_code: string;
  enforce_decision: DecisionValue;
  count: number;
  last_at: string;
  last_event_id: string;
}

export interface RolloutReport {
  window: { since: string; until: string; bucket: ReportBucket };
  totals: { decisions: number; would_block: number; observed: number; observed_would_block: number };
  counts: RolloutCount[];
  buckets: RolloutBucket[];
  top_would_block: WouldBlockAction[];
}

export interface RolloutOptions {
  window: ReportWindow;
  bucket: ReportBucket;
  top: number;
}

const DECISION_VALUES: readonly DecisionValue[] = [
  'allow',
  'deny',
  'require_approval',
  'require_tool_reapproval',
  'warn',
];
const DECISION_SET: ReadonlySet<string> = new Set(DECISION_VALUES);
const BLOCKING: ReadonlySet<string> = new Set(BLOCKING_DECISIONS);
const OBSERVED: ReadonlySet<string> = new Set(OBSERVED_MODES);
const SEP = '\u0000';

export async function rolloutReport(
  events: AsyncIterable<LedgerEvent> | Iterable<LedgerEvent>,
  options: RolloutOptions,
): Promise<RolloutReport> {
  const { window, bucket, top } = options;
  const width = REPORT_BUCKET_MS[bucket];
  // Buckets start on whole minutes, hours or days (UTC), so two reports of one day line up.
  const firstStart = Math.floor(window.sinceMs / width) * width;
  const bucketCount = Math.ceil((window.untilMs - firstStart) / width);
  if (bucketCount > REPORT_MAX_BUCKETS) {
    throw new InvalidInputError(
      `query.bucket: a ${bucket} bucket cuts this window into ${bucketCount} buckets (at most ${REPORT_MAX_BUCKETS}); use a wider bucket or a shorter window.`,
      [{ path: 'query.bucket', message: `at most ${REPORT_MAX_BUCKETS} buckets` }],
    );
  }
  const buckets: RolloutBucket[] = Array.from({ length: bucketCount }, (_, index) => ({
    start: new Date(firstStart + index * width).toISOString(),
    total: 0,
    would_block: 0,
    by_enforce_decision: zeroCounts(),
  }));
  const counts = new Map<string, RolloutCount>();
  const wouldBlock = new Map<string, WouldBlockAction>();
  const totals = { decisions: 0, would_block: 0, observed: 0, observed_would_block: 0 };

  for await (const event of events) {
    if (event.type !== 'decision') continue;
    const at = Date.parse(event.at);
    if (!(at >= window.sinceMs && at < window.untilMs)) continue;
    const row = readDecision(event);
    if (!row) continue;
    const blocks = BLOCKING.has(row.enforce);
    const observed = OBSERVED.has(row.mode);
    totals.decisions += 1;
    if (blocks) totals.would_block += 1;
    if (observed) totals.observed += 1;
    if (observed && blocks) totals.observed_would_block += 1;

    const countKey = [row.tool, row.reason, row.mode, row.decision, row.enforce].join(SEP);
    const count = counts.get(countKey);
    if (count) count.count += 1;
    else {
      counts.set(countKey, {
        tool: row.tool,
        reason_code: row.reason,
        mode: row.mode,
        decision: row.decision,
        enforce_decision: row.enforce,
        count: 1,
      });
    }

    const slot = buckets[Math.floor((at - firstStart) / width)] as RolloutBucket;
    slot.total += 1;
    if (blocks) slot.would_block += 1;
    slot.by_enforce_decision[row.enforce] += 1;

    if (observed && blocks) {
      const key = [
        row.tool,
        row.resource ?? '',
        row.resource === null ? 'n' : 's',
        row.reason,
        row.enforce,
      ].join(SEP);
      const action = wouldBlock.get(key);
      if (action) {
        action.count += 1;
        action.last_at = event.at;
        action.last_event_id = event.id;
      } else {
        wouldBlock.set(key, {
          tool: row.tool,
          resource: row.resource,
          reason_code: row.reason,
          enforce_decision: row.enforce,
          count: 1,
          last_at: event.at,
          last_event_id: event.id,
        });
      }
    }
  }

  return {
    window: {
      since: new Date(window.sinceMs).toISOString(),
      until: new Date(window.untilMs).toISOString(),
      bucket,
    },
    totals,
    counts: [...counts.values()].sort(
      (a, b) =>
        b.count - a.count ||
        a.tool.localeCompare(b.tool) ||
        a.reason_code.localeCompare(b.reason_code) ||
        a.mode.localeCompare(b.mode) ||
        a.decision.localeCompare(b.decision),
    ),
    buckets,
    top_would_block: [...wouldBlock.values()]
      .sort((a, b) => b.count - a.count || b.last_at.localeCompare(a.last_at))
      .slice(0, top),
  };
}

interface DecisionRow {
  tool: string;
  resource: string | null;
  reason: string;
  mode: string;
  decision: DecisionValue;
  enforce: DecisionValue;
}

/** The fields the report groups by; null for an event that is not a readable decision. */
function readDecision(event: LedgerEvent): DecisionRow | null {
  const { data } = event;
  const action = data.action as Record<string, unknown> | null | undefined;
  const decision = data.decision;
  const enforce = data.would_decision ?? decision;
  if (
    typeof action !== 'object' ||
    action === null ||
    typeof action.tool !== 'string' ||
    typeof data.reason_code !== 'string' ||
    typeof data.mode !== 'string' ||
    typeof decision !== 'string' ||
    !DECISION_SET.has(decision) ||
    typeof enforce !== 'string' ||
    !DECISION_SET.has(enforce)
  ) {
    return null;
  }
  return {
    tool: action.tool,
    resource: typeof action.resource === 'string' ? action.resource : null,
    reason: data.reason_code,
    mode: data.mode,
    decision: decision as DecisionValue,
    enforce: enforce as DecisionValue,
  };
}

function zeroCounts(): DecisionCounts {
  return { allow: 0, deny: 0, require_approval: 0, require_tool_reapproval: 0, warn: 0 };
}
