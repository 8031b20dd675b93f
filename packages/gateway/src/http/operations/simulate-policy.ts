import { SIMULATE_DEFAULT_LIMIT } from '../../constants.js';
import { compileOrThrow } from '../../decide/index.js';
import { simulatePolicy } from '../../policy/index.js';
import { resolveWindow } from '../../reports/index.js';
import { caller, type OperationSpec } from '../types.js';

/** The what-if: reads the ledger, writes nothing (no event, no idempotency record). */
export const simulatePolicyOperation: OperationSpec = {
  roles: ['admin'],
  pure: true,
  async run(context) {
    const { services, body } = context;
    const candidate = compileOrThrow(body.policy, 'body.policy');
    const window = resolveWindow({ since: body.since, until: body.until }, services.nowMs(), 'body');
    const simulation = await simulatePolicy(
      candidate,
      services.stores.ledger.events(caller(context).tenantId),
      window,
      { afterSeq: body.after_seq ?? 0, limit: body.limit ?? SIMULATE_DEFAULT_LIMIT },
    );
    return { status: 200, body: simulation };
  },
};
