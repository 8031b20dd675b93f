/** A decision ledger event flattened for the table, and the stream's filters. */
import type { EvidenceEvent } from '../api/types.js';
import { text } from '../format.js';

export interface DecisionFilters {
  decision: string;
  tool: string;
  agent: string;
  mode: string;
}

export interface DecisionRow {
  tool: string;
  decision: string;
  would: string | null;
  reason: string;
  mode: string;
  agent: string;
}

export function decisionRow(event: EvidenceEvent): DecisionRow {
  const data = event.data as Record<string, unknown>;
  const action = (data.action ?? {}) as Record<string, unknown>;
  const would = typeof data.would_decision === 'string' && data.would_decision !== data.decision;
  return {
    tool: text(action.tool),
    decision: text(data.decision),
    would: would ? text(data.would_decision) : null,
    reason: text(data.reason_code),
    mode: text(data.mode),
    agent: text(action.agent_id),
  };
}

export function matches(event: EvidenceEvent, filters: DecisionFilters): boolean {
  const row = decisionRow(event);
  if (filters.decision && row.decision !== filters.decision) return false;
  if (filters.mode && row.mode !== filters.mode) return false;
  if (filters.tool && !row.tool.includes(filters.tool)) return false;
  if (filters.agent && !row.agent.includes(filters.agent)) return false;
  return true;
}
