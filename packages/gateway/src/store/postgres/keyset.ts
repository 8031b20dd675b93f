/**
 * The signing keyset in PostgreSQL, so every gateway process signs and verifies with the same keys.
 * The first process to start inserts a keyset; `ON CONFLICT DO NOTHING` makes concurrent starters
 * agree on whichever row landed first, and everybody then loads that row.
 *
 * The row holds private keys: protect the database (and its backups) like any other secret store.
 */

import { DEFAULT_KEYSET_ID } from '../../constants.js';
import { Keyset, type SerializedKeyset } from '../../passport/keyset.js';
import { type Pool, type PostgresPool, pgPool } from './pool.js';

export async function loadOrCreateKeyset(
  anyPool: PostgresPool,
  create: () => Keyset = () => Keyset.generate(),
  id: string = DEFAULT_KEYSET_ID,
): Promise<Keyset> {
  const pool = pgPool(anyPool);
  const stored = await readKeyset(pool, id);
  if (stored) return stored;
  await pool.query('INSERT INTO actpass_keysets (id, keyset) VALUES ($1, $2) ON CONFLICT (id) DO NOTHING', [
    id,
    JSON.stringify(create().toJSON()),
  ]);
  const winner = await readKeyset(pool, id);
  if (!winner) throw new Error(`keyset ${id} vanished right after it was inserted`);
  return winner;
}

/** Replaces the stored keyset after a rotation or retirement; other processes see it on their next load. */
export async function saveKeyset(
  pool: PostgresPool,
  keyset: Keyset,
  id: string = DEFAULT_KEYSET_ID,
): Promise<void> {
  await pool.query(
    `INSERT INTO actpass_keysets (id, keyset) VALUES ($1, $2)
     ON CONFLICT (id) DO UPDATE SET keyset = excluded.keyset`,
    [id, JSON.stringify(keyset.toJSON())],
  );
}

async function readKeyset(pool: Pool, id: string): Promise<Keyset | undefined> {
  const { rows } = await pool.query<{ keyset: string }>('SELECT keyset FROM actpass_keysets WHERE id = $1', [
    id,
  ]);
  return rows[0] && Keyset.fromJSON(JSON.parse(rows[0].keyset) as SerializedKeyset);
}
