/**
 * The last step before an upstream's answer reaches the agent: filtered under the server's settings,
 * each redaction recorded as `response.redacted` evidence (kinds and counts), and an answer carrying
 * an instruction marker (under `block_instructions`) replaced by a refusal recorded like any other.
 */
import { PROXY_REFUSAL_EVIDENCE_TYPE } from '../../constants.js';
import { RESPONSE_REDACTED_EVIDENCE_TYPE, redactionEvidence, total } from '../../filter/index.js';
import { filterResult } from './result-filter.js';
import type { McpServerDeps } from './server.js';

export type Relayed<T> = { ok: true; value: T } | { ok: false; reasonCode: string; summary: string };

export const INSTRUCTION_BLOCK_REASON = 'response.instruction';

export function relayFiltered<T>(
  deps: McpServerDeps,
  agentKey: string,
  server: string,
  tool: string,
  value: T,
): Relayed<T> {
  const settings = deps.pool.upstream(server)?.filter ?? null;
  const filtered = filterResult(value, settings, deps.secrets);
  const where = { via: 'mcp-proxy', server, tool };
  if (filtered.marker !== null) {
    deps.warn(`MCP proxy blocked the answer of ${tool}: instruction marker ${filtered.marker}`);
    deps.track(
      deps.link.recordEvidence(agentKey, PROXY_REFUSAL_EVIDENCE_TYPE, {
        ...where,
        reason_code: INSTRUCTION_BLOCK_REASON,
        marker: filtered.marker,
      }),
    );
    return {
      ok: false,
      reasonCode: INSTRUCTION_BLOCK_REASON,
      summary: `the answer of ${tool} carries an instruction marker (${filtered.marker}) and was withheld; nothing of it was relayed.`,
    };
  }
  if (total(filtered.redactions) > 0) {
    deps.track(
      deps.link.recordEvidence(
        agentKey,
        RESPONSE_REDACTED_EVIDENCE_TYPE,
        redactionEvidence(where, filtered.redactions),
      ),
    );
  }
  return { ok: true, value: filtered.value };
}
