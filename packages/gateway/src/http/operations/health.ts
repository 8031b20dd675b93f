/**
 * Liveness and readiness, the two questions a platform asks of a gateway process:
 * - `/healthz` (liveness): is the process serving HTTP at all? Answered without touching a store, so a
 *   database outage never makes an orchestrator restart healthy gateways in a loop.
 * - `/readyz` (readiness): can it decide right now? The stores must answer a read, within a bound, so
 *   a load balancer stops sending traffic to a gateway whose database is unreachable.
 */
import { StoreUnavailableError } from '../../store/errors.js';
import type { OperationSpec } from '../types.js';

/** A probe slower than this counts as not ready: a load balancer's own timeout is usually a few seconds. */
const READINESS_PROBE_TIMEOUT_MS = 2_000;

export const health: OperationSpec = {
  roles: null,
  liveness: true,
  async run() {
    return { status: 200, body: { status: 'ok' } };
  },
};

export const readiness: OperationSpec = {
  roles: null,
  async run(context) {
    // The handler has already waited for start-up (starter policies seeded); now ask the store itself,
    // since that wait succeeds once and is not repeated.
    const tenant = context.services.tenants.keys().next().value;
    const probe = tenant === undefined ? Promise.resolve() : context.services.stores.ledger.head(tenant);
    await withinBound(probe);
    return { status: 200, body: { status: 'ok' } };
  },
};

async function withinBound(probe: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new StoreUnavailableError('ledger', {
            cause: new Error(`the store did not answer within ${READINESS_PROBE_TIMEOUT_MS} ms`),
          }),
        ),
      READINESS_PROBE_TIMEOUT_MS,
    );
  });
  try {
    await Promise.race([probe, late]);
  } finally {
    clearTimeout(timer);
  }
}
