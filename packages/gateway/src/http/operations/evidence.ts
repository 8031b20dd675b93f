import { OUTCOME_EVIDENCE_TYPE } from '../../constants.js';
import { boundDecisionId } from '../../decide/outcome-binding.js';
import {
  customEvidenceProblem,
  type EvidenceFilter,
  exportEvidence,
  hasFilter,
  type LedgerEvent,
  verifyStoredChain,
} from '../../ledger/index.js';
import { resolveWindow } from '../../reports/index.js';
import { InvalidInputError } from '../../store/errors.js';
import { caller, type OperationSpec } from '../types.js';

export const recordEvidence: OperationSpec = {
  roles: ['agent'],
  async run(context) {
    const { type, data } = context.body as { type: string; data: Record<string, never> };
    const problem = customEvidenceProblem(type, data);
    if (problem) {
      throw new InvalidInputError(`${problem.path}: ${problem.message}; ${problem.fix}.`, [
        { path: problem.path, message: problem.message },
      ]);
    }
    const { tenantId, keyId } = caller(context);
    const { ledger } = context.services.stores;
    // An outcome is bound to a decision made for this key, as one carried on a preflight is.
    if (type === OUTCOME_EVIDENCE_TYPE) await boundDecisionId(ledger, tenantId, keyId, data, 'body.data');
    const event = await ledger.append(tenantId, { type, data });
    return { status: 201, body: event };
  },
};

export const listEvidence: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const { query } = context;
    const afterSeq = query.after_seq as number;
    const limit = query.limit as number;
    const filter = evidenceFilter(query);
    const events = await context.services.stores.ledger.list(caller(context).tenantId, {
      afterSeq,
      limit,
      ...(filter ? { filter } : {}),
    });
    const last = events.at(-1);
    // A full page may have more behind it; a short page is the end.
    const next = last && events.length === limit ? last.seq : null;
    return { status: 200, body: { events, next_after_seq: next } };
  },
};

export const verifyEvidence: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const { ledger } = context.services.stores;
    const tenantId = caller(context).tenantId;
    const result = await verifyStoredChain(ledger, tenantId);
    const head = await ledger.head(tenantId);
    const count = head.seq;
    if (result.ok) return { status: 200, body: { ok: true, count, head: count === 0 ? null : result.head } };
    return {
      status: 200,
      body: {
        ok: false,
        count,
        head: count === 0 ? null : head,
        first_broken_seq: result.first_broken_seq,
        reason: result.reason,
      },
    };
  },
};

export const exportEvidenceOperation: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const { services } = context;
    const tenantId = caller(context).tenantId;
    const events: LedgerEvent[] = [];
    for await (const event of services.stores.ledger.events(tenantId)) events.push(event);
    return {
      status: 200,
      body: exportEvidence(events, tenantId, services.keyset, new Date(services.nowMs())),
    };
  },
};

/** The query's filters (contract-validated), or undefined when none is given. */
function evidenceFilter(query: Record<string, unknown>): EvidenceFilter | undefined {
  const text = (name: string) => (typeof query[name] === 'string' ? (query[name] as string) : undefined);
  const filter: EvidenceFilter = {};
  for (const name of ['type', 'tool', 'decision', 'agent_id'] as const) {
    const value = text(name);
    if (value !== undefined) filter[name] = value;
  }
  const since = text('since');
  const until = text('until');
  if (since !== undefined || until !== undefined) {
    // Bounds as given: an open side stays open (no 24-hour default as for reports).
    const window = resolveWindow({ since: since ?? EPOCH, until: until ?? FAR_FUTURE }, 0, 'query');
    if (since !== undefined) filter.sinceMs = window.sinceMs;
    if (until !== undefined) filter.untilMs = window.untilMs;
  }
  return hasFilter(filter) ? filter : undefined;
}

const EPOCH = '1970-01-01T00:00:00Z';
const FAR_FUTURE = '9999-12-31T23:59:59Z';
