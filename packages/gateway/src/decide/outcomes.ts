/**
 * Outcome records carried on a preflight (`outcomes`): the `action.outcome` events of earlier actions,
 * sent with the next decision instead of one evidence request each (the enforcing proxy does this).
 * Every record is checked before anything is recorded or decided, so a batch is refused whole or
 * recorded whole: the checks `recordEvidence` makes for an outcome (no `written_by` of its own, and a
 * `decision` event of this tenant written for the calling key: see outcome-binding.ts), and that no two
 * records of the request name the same decision.
 */
import { OUTCOME_EVIDENCE_TYPE } from '../constants.js';
import {
  type AppendInput,
  checkAppendInput,
  LedgerInputError,
  type LedgerStore,
  WRITTEN_BY,
} from '../ledger/index.js';
import type { JsonObject } from '../policy/index.js';
import { InvalidInputError } from '../store/errors.js';
import { boundDecisionId } from './outcome-binding.js';

/** The appends the records make, in the order given; empty when none were sent. */
export async function checkedOutcomes(
  ledger: LedgerStore,
  tenantId: string,
  keyId: string,
  outcomes: readonly JsonObject[] | undefined,
): Promise<AppendInput[]> {
  if (outcomes === undefined || outcomes.length === 0) return [];
  const seen = new Set<string>();
  const appends: AppendInput[] = [];
  for (const [index, data] of outcomes.entries()) {
    const at = `body.outcomes[${index}]`;
    if (Object.hasOwn(data, WRITTEN_BY)) {
      refuse(`${at}.${WRITTEN_BY}`, 'is recorded by the gateway from the API key', 'remove it');
    }
    const append = { type: OUTCOME_EVIDENCE_TYPE, data };
    // What the ledger itself would refuse (a credential's value) is refused here, before anything is
    // appended, so a batch never fails part way through its write.
    try {
      checkAppendInput(append);
    } catch (error) {
      if (!(error instanceof LedgerInputError)) throw error;
      refuse(at, error.message, 'leave it out');
    }
    const id = await boundDecisionId(ledger, tenantId, keyId, data, at);
    if (seen.has(id)) {
      refuse(
        `${at}.decision_event_id`,
        'names a decision an earlier record of this request names',
        'send one outcome per decision',
      );
    }
    seen.add(id);
    appends.push(append);
  }
  return appends;
}

function refuse(path: string, message: string, fix: string): never {
  throw new InvalidInputError(`${path}: ${message}; ${fix}.`, [{ path, message }]);
}
