/**
 * What to tell an approver whose decision the gateway refused with 409. Only when another person
 * actually decided does the console say "Someone else decided first"; an expired request says it
 * expired; anything else is the gateway's own words. The gateway's message and code are always kept,
 * because `approval.granted` alone reads like success.
 */
import type { ApiClient } from '../api/client.js';
import type { ApiError } from '../api/errors.js';
import type { ApprovalRequest } from '../api/types.js';
import { localTime, text } from '../format.js';

/** The approval's state in words; `used` is an approval the agent has already spent. */
const STATUS_WORDS: Record<string, string> = {
  approved: 'approved',
  used: 'approved (and the agent has used it)',
  denied: 'denied',
  expired: 'expired',
  pending: 'still pending',
};

export function statusWords(status: string): string {
  return STATUS_WORDS[status] ?? text(status);
}

function gatewaySaid(conflict: ApiError): string {
  return `The gateway said: ${text(conflict.message)} [${text(conflict.code)}]`;
}

/** The message for a refused decision, given the request as it is now (null when it could not be read). */
export function conflictText(id: string, conflict: ApiError, now: ApprovalRequest | null): string {
  const request = text(id);
  const decidedByPerson =
    now && (now.status === 'approved' || now.status === 'used' || now.status === 'denied');
  if (decidedByPerson) {
    const by = now.decided_by ? ` by ${text(now.decided_by)}` : '';
    const at = now.decided_at ? ` at ${localTime(now.decided_at)}` : '';
    return `Someone else decided first: ${request} is already ${statusWords(now.status)}${by}${at}. Nothing was changed. ${gatewaySaid(conflict)}`;
  }
  if (now?.status === 'expired' || conflict.code === 'approval.expired') {
    return `${request} expired before your decision reached the gateway; the agent must ask again. Nothing was changed. ${gatewaySaid(conflict)}`;
  }
  return `Your decision on ${request} was not recorded. ${gatewaySaid(conflict)}`;
}

/** Reads the request again to say what happened and who did it. */
export async function conflictMessage(api: ApiClient, id: string, conflict: ApiError): Promise<string> {
  let now: ApprovalRequest | null = null;
  try {
    now = await api.getApproval(id);
  } catch {
    // Keep the gateway's own words.
  }
  return conflictText(id, conflict, now);
}
