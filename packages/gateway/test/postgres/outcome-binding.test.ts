/**
 * `POST /evidence` with `type: "action.outcome"` on PostgreSQL stores, on a gateway served on loopback:
 * the same cases as the memory and file stores (test/http/outcome-binding-cases.ts), the decision
 * looked up through the store's (tenant_id, id) index.
 */
import { describe } from 'vitest';
import { createPostgresStores } from '../../src/index.js';
import { openPool } from '../../src/store/postgres/index.js';
import { outcomeBindingCases } from '../http/outcome-binding-cases.js';
import { createDatabase, useTestDatabase } from './helpers.js';

describe('an outcome recorded by the evidence call is bound to a decision of the calling key (PostgreSQL)', () => {
  const db = useTestDatabase();
  outcomeBindingCases(async () => {
    // A database per test, so each test's ledger is its own.
    const database = await createDatabase(db.serverUrl);
    const pool = await openPool(database.url, { max: 4 });
    return {
      stores: await createPostgresStores({ pool }),
      close: async () => {
        await pool.end();
        await database.drop();
      },
    };
  });
});
