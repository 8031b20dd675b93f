/**
 * The events webhooks carry, built from what the gateway already records: an approval request as the
 * API shows it, or a decision that blocked an action. The generic body is this event as JSON; the Slack
 * body (slack.ts) is a message made from it.
 */
import { publicApproval } from '../approvals/service.js';
import type { ApprovalRecord, CanonicalAction } from '../store/types.js';
import type { WebhookEventType } from './endpoint.js';

export interface BlockedDecision {
  request_id: string;
  decision: string;
  reason_code: string;
  risk_tier: string;
  mode: string;
  action_hash: string;
  action: CanonicalAction;
  evidence_event_id: string;
  decided_at: string;
}

export interface WebhookEvent {
  id: string;
  type: WebhookEventType;
  created_at: string;
  tenant_id: string;
  data: {
    approval?: ReturnType<typeof publicApproval>;
    decision?: BlockedDecision;
    /** Where a person opens the request in the console; null when no console URL is configured. */
    console_url: string | null;
  };
}

export const APPROVAL_EVENT_BY_STATUS: Partial<Record<ApprovalRecord['status'], WebhookEventType>> = {
  pending: 'approval.requested',
  approved: 'approval.approved',
  denied: 'approval.denied',
  expired: 'approval.expired',
};

/** The console route of one approval request, under a configured console base URL. */
export function consoleLink(consoleUrl: string | undefined, approvalId: string | undefined): string | null {
  if (!consoleUrl) return null;
  const base = consoleUrl.replace(/#.*$/, '').replace(/\/?$/, '/');
  return approvalId ? `${base}#/approvals/${encodeURIComponent(approvalId)}` : `${base}#/decisions`;
}

export function approvalEvent(
  id: string,
  type: WebhookEventType,
  record: ApprovalRecord,
  createdAt: string,
  consoleUrl: string | undefined,
): WebhookEvent {
  return {
    id,
    type,
    created_at: createdAt,
    tenant_id: record.tenant_id,
    data: { approval: publicApproval(record), console_url: consoleLink(consoleUrl, record.id) },
  };
}

export function blockedDecisionEvent(
  id: string,
  tenantId: string,
  decision: BlockedDecision,
  createdAt: string,
  consoleUrl: string | undefined,
): WebhookEvent {
  return {
    id,
    type: 'decision.blocked',
    created_at: createdAt,
    tenant_id: tenantId,
    data: { decision, console_url: consoleLink(consoleUrl, undefined) },
  };
}
