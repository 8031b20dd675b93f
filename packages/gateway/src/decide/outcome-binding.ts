/**
 * Which decision an `action.outcome` record is the outcome of, and whether the caller may say so. An
 * outcome names its decision in `decision_event_id` (the enforcing proxies, and every record carried on
 * a preflight) or in `evidence_event_id` (the SDKs' `guard()`, which copies the decision's own field);
 * whichever it uses must be a `decision` event of this tenant written for the calling key. Both routes
 * that record outcomes (`outcomes` on a preflight, and `POST /evidence`) check it here, so a caller can
 * neither attach outcomes to another key's or tenant's decisions nor invent decisions that never happened.
 *
 * Not checked: whether the decision already has an outcome from an earlier request. Finding that would
 * mean reading every outcome of the tenant (the stores index events by id only), and the check would race
 * two concurrent requests anyway; a second outcome for a decision is recorded beside the first, with its
 * own `written_by`, and readers take both as what the writer reported.
 */
import { findEvent, type LedgerStore, WRITTEN_BY } from '../ledger/index.js';
import type { JsonObject } from '../policy/index.js';
import { InvalidInputError } from '../store/errors.js';

/**
 * An event id as the contract spells it (`EventId`: at most 67 characters). Anything else names no
 * event and is not looked up: a NUL or an overlong string never reaches a store's query.
 */
const EVENT_ID = /^ev_[A-Za-z0-9_-]{1,64}$/;

/** The fields an outcome may name its decision in, in the order they are read. */
export const OUTCOME_DECISION_FIELDS = ['decision_event_id', 'evidence_event_id'] as const;

/**
 * The id of the decision the outcome record `data` names, once checked to be a decision made for
 * `keyId` in `tenantId`. Throws `InvalidInputError` naming `${at}.<field>` otherwise.
 */
export async function boundDecisionId(
  ledger: LedgerStore,
  tenantId: string,
  keyId: string,
  data: JsonObject,
  at: string,
): Promise<string> {
  const named = OUTCOME_DECISION_FIELDS.filter((field) => Object.hasOwn(data, field));
  const [field] = named;
  if (field === undefined) {
    refuse(
      `${at}.decision_event_id`,
      'is required: an outcome names the decision it is the outcome of',
      'add the evidence_event_id of the decision this key was given',
    );
  }
  const id = data[field];
  const other = data.evidence_event_id;
  // Both spellings only as the very same id (a reader may follow either).
  if (named.length > 1 && (typeof other !== 'string' || other !== id)) {
    refuse(
      `${at}.evidence_event_id`,
      'names another decision than decision_event_id',
      'name one decision, or leave evidence_event_id out',
    );
  }
  const decision = typeof id === 'string' && EVENT_ID.test(id) ? await findEvent(ledger, tenantId, id) : null;
  const writer = decision?.data[WRITTEN_BY] as { key_id?: unknown } | undefined;
  if (decision === null || decision.type !== 'decision' || writer?.key_id !== keyId) {
    // One answer for "no such decision" and "someone else's": which ids exist is not told.
    refuse(
      `${at}.${field}`,
      'names no decision made for this key',
      'send the evidence_event_id of a decision this key was given',
    );
  }
  return id as string;
}

function refuse(path: string, message: string, fix: string): never {
  throw new InvalidInputError(`${path}: ${message}; ${fix}.`, [{ path, message }]);
}
