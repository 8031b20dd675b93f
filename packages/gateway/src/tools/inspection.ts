/**
 * The gateway's use of the one tool inspection (`@actpass/edge/inspect`): findings for a definition
 * being approved (against every other approved tool, for references to another server's tool), and a
 * cached verdict for the definitions preflights present, where a `high` finding nobody acknowledged
 * holds the tool (`tool.suspicious`).
 */
import {
  type CatalogTool,
  hasHighFinding,
  inspectToolDefinition,
  type ToolFinding,
  visible,
} from '@actpass/edge/inspect';
import type { ToolDefinition } from '../store/types.js';

export type { ToolFinding } from '@actpass/edge/inspect';

/** How many findings a `tool.approved` event keeps (a count says how many more there were). */
export const LEDGER_FINDINGS_MAX = 50;
/** Definitions whose verdict is remembered by hash, so a preflight does not inspect the same one again. */
const VERDICT_CACHE_MAX = 1_000;

/**
 * `mcp.<server>.<tool>` (how the MCP proxy names upstream tools) or `<server>.<tool>`: the server
 * part tells the inspection which tools are siblings and which belong to another server.
 */
export function catalogOf(names: readonly string[]): CatalogTool[] {
  return names.map((name) => {
    const parts = name.split('.');
    if (parts[0] === 'mcp' && parts.length >= 3)
      return { server: parts[1] as string, name: parts.slice(2).join('.') };
    if (parts.length >= 2)
      return { server: parts.slice(0, -1).join('.'), name: parts[parts.length - 1] as string };
    // Bare names (one server's own listing) are siblings of one another, not another server's tools.
    return { server: '', name };
  });
}

/** Findings per tool of a listing (MCP `tools/list` or an array), read before any other check. */
export function inspectListing(listing: unknown): Array<{ name: string; findings: ToolFinding[] }> {
  const tools = listingArray(listing).filter(
    (t): t is Record<string, unknown> => typeof t === 'object' && t !== null && !Array.isArray(t),
  );
  const names = tools.map((t) => (typeof t.name === 'string' ? t.name : ''));
  return tools.flatMap((tool, index) => {
    const name = names[index] as string;
    const [own] = catalogOf([name]);
    const findings = inspectToolDefinition(tool, {
      ...(own?.server !== undefined ? { server: own.server } : {}),
      catalog: catalogOf(names.filter((_, i) => i !== index)),
    });
    return findings.length > 0 ? [{ name, findings }] : [];
  });
}

function listingArray(listing: unknown): unknown[] {
  if (Array.isArray(listing)) return listing;
  const record = (typeof listing === 'object' && listing !== null ? listing : {}) as Record<string, unknown>;
  if (Array.isArray(record.tools)) return record.tools;
  const result = record.result as Record<string, unknown> | undefined;
  return Array.isArray(result?.tools) ? result.tools : [];
}

export function inspectForApproval(definition: ToolDefinition, otherTools: readonly string[]): ToolFinding[] {
  const [own] = catalogOf([definition.name]);
  return inspectToolDefinition(definition, {
    ...(own?.server !== undefined ? { server: own.server } : {}),
    catalog: catalogOf(otherTools),
  });
}

/** What a `tool.approved` event records: the author's text decoded, never more than the limit. */
export function ledgerFindings(findings: readonly ToolFinding[]): Record<string, unknown> {
  const kept = findings.slice(0, LEDGER_FINDINGS_MAX).map(({ code, severity, field, decoded }) => ({
    code,
    severity,
    field,
    decoded,
  }));
  return findings.length > kept.length
    ? { findings: kept, findings_omitted: findings.length - kept.length }
    : { findings: kept };
}

/** `text.instruction_marker in description, …`: how a held decision names what it found. */
export function describeHigh(findings: readonly ToolFinding[]): string {
  const high = findings.filter((f) => f.severity === 'high');
  const named = high.slice(0, 5).map((f) => `${f.code} in ${visible(f.field)}`);
  return `${named.join(', ')}${high.length > named.length ? ` and ${high.length - named.length} more` : ''}`;
}

/**
 * Remembers, per definition hash, the high findings of a definition presented at preflight. The
 * catalog is not consulted here (a preflight does not list every tool): references to other servers'
 * tools are judged when the definition is approved.
 */
export class SuspicionCache {
  readonly #verdicts = new Map<string, ToolFinding[]>();

  highFindings(hash: string, definition: ToolDefinition): ToolFinding[] {
    const known = this.#verdicts.get(hash);
    if (known) return known;
    const findings = inspectToolDefinition(definition);
    const high = hasHighFinding(findings) ? findings.filter((f) => f.severity === 'high') : [];
    if (this.#verdicts.size >= VERDICT_CACHE_MAX) {
      const oldest = this.#verdicts.keys().next().value;
      if (oldest !== undefined) this.#verdicts.delete(oldest);
    }
    this.#verdicts.set(hash, high);
    return high;
  }
}
