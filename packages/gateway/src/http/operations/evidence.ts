import { RESERVED_EVIDENCE_PREFIXES, RESERVED_EVIDENCE_TYPES } from '../../constants.js';
import { exportEvidence, type LedgerEvent, verifyStoredChain } from '../../ledger/index.js';
import { InvalidInputError } from '../../store/errors.js';
import { caller, type OperationSpec } from '../types.js';

export const recordEvidence: OperationSpec = {
  roles: ['agent'],
  async run(context) {
    const { type, data } = context.body as { type: string; data: Record<string, never> };
    if (isReserved(type)) {
      throw new InvalidInputError(
        `body.type: "${type}" is written by the gateway itself and cannot be recorded; use your own type, e.g. "action.outcome".`,
        [{ path: 'body.type', message: 'reserved event type' }],
      );
    }
    const event = await context.services.stores.ledger.append(caller(context).tenantId, { type, data });
    return { status: 201, body: event };
  },
};

export const listEvidence: OperationSpec = {
  roles: ['admin'],
  async run(context) {
    const afterSeq = context.query.after_seq as number;
    const limit = context.query.limit as number;
    const events = await context.services.stores.ledger.list(caller(context).tenantId, { afterSeq, limit });
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

function isReserved(type: string): boolean {
  return (
    RESERVED_EVIDENCE_TYPES.includes(type) ||
    RESERVED_EVIDENCE_PREFIXES.some((prefix) => type.startsWith(prefix))
  );
}
