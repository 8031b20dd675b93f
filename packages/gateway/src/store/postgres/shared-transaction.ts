/**
 * A state change and the ledger event that records it, in one transaction: either both commit or
 * neither does. Used where several processes race for one change (an approval's verdict, a tenant's
 * starter policy), so only the winner's event ever reaches the chain.
 */
import type { AppendInput, LedgerEvent, LedgerStore } from '../../ledger/index.js';
import { type Pool, type PoolClient, withTransaction } from './pool.js';

/** What PostgresLedgerStore offers (reached through the gateway's wrappers, so checked by shape). */
interface TransactionalLedger {
  appendWithin(client: PoolClient, tenantId: string, input: AppendInput): Promise<LedgerEvent>;
  writesThrough(pool: unknown): boolean;
}

export type AppendHere = (input: AppendInput) => Promise<LedgerEvent>;

/**
 * Runs `work` in a transaction on `pool`, handing it an append into `ledger` inside that transaction.
 * Null (and nothing run) when `ledger` is not the PostgreSQL ledger on `pool`'s database.
 */
export async function withRecordedChange<T>(
  pool: Pool,
  ledger: LedgerStore,
  tenantId: string,
  work: (client: PoolClient, append: AppendHere) => Promise<T>,
): Promise<T | null> {
  const candidate = ledger as LedgerStore & Partial<TransactionalLedger>;
  if (typeof candidate.appendWithin !== 'function' || typeof candidate.writesThrough !== 'function')
    return null;
  if (!candidate.writesThrough(pool)) return null;
  const appendWithin = candidate.appendWithin.bind(candidate);
  return withTransaction(pool, (client) => work(client, (input) => appendWithin(client, tenantId, input)));
}
