/**
 * Filters over ledger events (`GET /evidence?type=&tool=&decision=&agent_id=&since=&until=`).
 * One definition of what each filter means, used by the memory and file stores directly; the
 * PostgreSQL store translates the same rules into SQL (store/postgres/ledger-filter.ts).
 */
import type { LedgerEvent } from './event.js';

export interface EvidenceFilter {
  /** An exact type, or a namespace written `approval.*`. */
  type?: string;
  /** The decision's `action.tool`, else the event's own `tool`. */
  tool?: string;
  /** Only `decision` events that answered this. */
  decision?: string;
  /** The decision's `action.agent_id`, else the event's own `agent_id`. */
  agent_id?: string;
  /** `at` ≥ since (epoch ms). */
  sinceMs?: number;
  /** `at` < until (epoch ms). */
  untilMs?: number;
}

const NAMESPACE_SUFFIX = '.*';

export function hasFilter(filter: EvidenceFilter | undefined): filter is EvidenceFilter {
  return (
    filter !== undefined &&
    (filter.type !== undefined ||
      filter.tool !== undefined ||
      filter.decision !== undefined ||
      filter.agent_id !== undefined ||
      filter.sinceMs !== undefined ||
      filter.untilMs !== undefined)
  );
}

/** The type filter as `{exact}` or `{prefix}` (`approval.*` → prefix `approval.`). */
export function typeMatcher(type: string): { exact: string } | { prefix: string } {
  return type.endsWith(NAMESPACE_SUFFIX) ? { prefix: type.slice(0, -1) } : { exact: type };
}

export function matchesFilter(event: LedgerEvent, filter: EvidenceFilter): boolean {
  if (filter.type !== undefined) {
    const matcher = typeMatcher(filter.type);
    if ('exact' in matcher ? event.type !== matcher.exact : !event.type.startsWith(matcher.prefix)) {
      return false;
    }
  }
  if (filter.tool !== undefined && eventTool(event) !== filter.tool) return false;
  if (filter.agent_id !== undefined && eventAgentId(event) !== filter.agent_id) return false;
  if (
    filter.decision !== undefined &&
    (event.type !== 'decision' || event.data.decision !== filter.decision)
  ) {
    return false;
  }
  if (filter.sinceMs !== undefined || filter.untilMs !== undefined) {
    const at = Date.parse(event.at);
    if (filter.sinceMs !== undefined && !(at >= filter.sinceMs)) return false;
    if (filter.untilMs !== undefined && !(at < filter.untilMs)) return false;
  }
  return true;
}

export function eventTool(event: LedgerEvent): string | undefined {
  return actionMember(event, 'tool');
}

export function eventAgentId(event: LedgerEvent): string | undefined {
  return actionMember(event, 'agent_id');
}

function actionMember(event: LedgerEvent, name: 'tool' | 'agent_id'): string | undefined {
  const action = event.data.action;
  if (typeof action === 'object' && action !== null && !Array.isArray(action)) {
    const value = (action as Record<string, unknown>)[name];
    if (typeof value === 'string') return value;
  }
  const own = event.data[name];
  return typeof own === 'string' ? own : undefined;
}
