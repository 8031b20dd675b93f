/**
 * The ledger's evidence filters (ledger/filter.ts) as SQL over the stored event text, with the same
 * meaning: `tool` and `agent_id` are the decision's `action` member when it is a string, else the
 * event's own; `decision` only matches `decision` events; `since` is inclusive, `until` exclusive.
 */
import { type EvidenceFilter, typeMatcher } from '../../ledger/filter.js';

export interface SqlFilter {
  /** Conditions over `e` (the event as jsonb), joined with AND; empty when nothing filters. */
  where: string[];
  values: unknown[];
}

/** Builds the conditions; placeholders continue after `firstIndex - 1` existing ones. */
export function sqlFilter(filter: EvidenceFilter, firstIndex: number): SqlFilter {
  const where: string[] = [];
  const values: unknown[] = [];
  const param = (value: unknown) => {
    values.push(value);
    return `$${firstIndex + values.length - 1}`;
  };
  if (filter.type !== undefined) {
    const matcher = typeMatcher(filter.type);
    where.push(
      'exact' in matcher
        ? `e->>'type' = ${param(matcher.exact)}`
        : `starts_with(e->>'type', ${param(matcher.prefix)})`,
    );
  }
  if (filter.tool !== undefined) where.push(`${member('tool')} = ${param(filter.tool)}`);
  if (filter.agent_id !== undefined) where.push(`${member('agent_id')} = ${param(filter.agent_id)}`);
  if (filter.decision !== undefined) {
    where.push(`e->>'type' = 'decision'`, `e->'data'->>'decision' = ${param(filter.decision)}`);
  }
  if (filter.sinceMs !== undefined) {
    where.push(`(e->>'at')::timestamptz >= ${param(new Date(filter.sinceMs).toISOString())}::timestamptz`);
  }
  if (filter.untilMs !== undefined) {
    where.push(`(e->>'at')::timestamptz < ${param(new Date(filter.untilMs).toISOString())}::timestamptz`);
  }
  return { where, values };
}

function member(name: 'tool' | 'agent_id'): string {
  const nested = `e->'data'->'action'->'${name}'`;
  const own = `e->'data'->'${name}'`;
  return (
    `(CASE WHEN jsonb_typeof(${nested}) = 'string' THEN ${nested}->>0 ` +
    `WHEN jsonb_typeof(${own}) = 'string' THEN ${own}->>0 END)`
  );
}
