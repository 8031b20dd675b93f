/**
 * Flow labels: what a session has been exposed to. `private_data` and `untrusted_content` stick to a
 * session once a call that reads them is allowed; `external_comm` marks a call that can send data out.
 * Together they make the lethal trifecta a policy can hold at run time.
 */
export const FLOW_LABELS = ['private_data', 'untrusted_content', 'external_comm'] as const;

export type FlowLabel = (typeof FLOW_LABELS)[number];

export function isFlowLabel(value: unknown): value is FlowLabel {
  return typeof value === 'string' && (FLOW_LABELS as readonly string[]).includes(value);
}

/** One label a session carries, and the allowed call that put it there. */
export interface SessionLabel {
  label: FlowLabel;
  /** The tool whose call added the label. */
  tool: string;
  /** The ledger event of that call's decision. */
  event_id: string;
  /** When the label was added (ISO 8601). */
  at: string;
}

/** Where a session's labels are kept: tenant, the agent's API key, and the session id. */
export interface SessionKey {
  tenantId: string;
  keyId: string;
  sessionId: string;
}
