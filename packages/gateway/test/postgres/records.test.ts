/** Tool approvals, policies, vault envelopes, the shared keyset and the migrations themselves. */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { Keyset } from '../../src/passport/index.js';
import {
  loadOrCreateKeyset,
  MIGRATIONS,
  migrate,
  openPool,
  type Pool,
  PostgresPolicyStore,
  PostgresToolStore,
  PostgresVaultStore,
  saveKeyset,
} from '../../src/store/postgres/index.js';
import type { ApprovedTool } from '../../src/store/types.js';
import { parseVaultKey, Vault, VaultDecryptError } from '../../src/vault/index.js';
import { createDatabase, useTestDatabase } from './helpers.js';

const db = useTestDatabase();
let pools: [Pool, Pool];

beforeAll(async () => {
  pools = [await db.pool(), await db.pool()];
  await migrate(pools[0]);
});

let counter = 0;
const tenant = () => `tenant_${++counter}_${Date.now()}`;

function tool(name: string, description = 'does a thing'): ApprovedTool {
  return {
    name,
    hash: 'b'.repeat(64),
    definition: {
      name,
      description,
      input_schema: { type: 'object', properties: { amount: { type: 'integer' } } },
    },
    approved_at: '2026-01-01T00:00:00.000Z',
  };
}

describe('PostgresToolStore', () => {
  it('puts, replaces and lists tools per tenant, sorted by UTF-16 code units', async () => {
    const store = new PostgresToolStore(pools[0]);
    const t = tenant();
    for (const name of ['zeta', 'Alpha', '\u{1F600}tool', '\uFFFDtool', 'beta'])
      await store.put(t, tool(name));
    await store.put(t, tool('beta', 'changed'));
    await store.put(tenant(), tool('other'));
    expect(await store.get(t, 'beta')).toEqual(tool('beta', 'changed'));
    expect(await store.get(t, 'other')).toBeUndefined();
    // U+1F600 is a surrogate pair (0xD83D…), so it sorts before U+FFFD in UTF-16 (not in UTF-8).
    expect((await store.list(t)).map((entry) => entry.name)).toEqual([
      'Alpha',
      'beta',
      'zeta',
      '\u{1F600}tool',
      '\uFFFDtool',
    ]);
    expect(await store.list(tenant())).toEqual([]);
  });
});

describe('PostgresPolicyStore', () => {
  it('stores one policy per tenant and replaces it', async () => {
    const store = new PostgresPolicyStore(pools[0]);
    const t = tenant();
    expect(await store.get(t)).toBeUndefined();
    const first = {
      policy: { id: 'p', version: 1, rules: [] },
      hash: 'c'.repeat(64),
      updated_at: '2026-01-01T00:00:00Z',
    };
    const second = { ...first, policy: { id: 'p', version: 2, rules: [], note: 'ünïcode' } };
    await store.put(t, first);
    expect(await new PostgresPolicyStore(pools[1]).get(t)).toEqual(first);
    await store.put(t, second);
    expect(await store.get(t)).toEqual(second);
    expect(await store.get(tenant())).toBeUndefined();
  });
});

describe('PostgresVaultStore', () => {
  it('serves the vault across processes: sealed by one, leased by another, bound to its row', async () => {
    const kek = parseVaultKey(randomBytes(32).toString('base64'));
    const t = tenant();
    const writer = new Vault({ kek, store: new PostgresVaultStore(pools[0]) });
    const readerStore = new PostgresVaultStore(pools[1]);
    const reader = new Vault({ kek, store: readerStore });
    await writer.put(t, 'stripe', 'sk_test_123', { boundTools: ['stripe.*'] });
    await writer.put(t, 'github', 'ghp_456', { boundTools: ['github.push'] });
    expect((await reader.list(t)).map((entry) => entry.name)).toEqual(['github', 'stripe']);
    expect(await reader.leaseForTool(t, 'stripe.refund')).toMatchObject({
      name: 'stripe',
      value: 'sk_test_123',
    });

    // The table holds envelopes only.
    const { rows } = await pools[0].query<{ record: string }>(
      'SELECT record FROM actpass_vault WHERE tenant_id = $1',
      [t],
    );
    for (const row of rows) expect(row.record).not.toMatch(/sk_test_123|ghp_456/);

    // An envelope moved to another tenant's row does not decrypt there.
    const moved = await readerStore.get(t, 'stripe');
    const other = tenant();
    await readerStore.put({ ...moved!, tenant_id: other });
    await expect(reader.leaseForTool(other, 'stripe.refund')).rejects.toThrow(VaultDecryptError);

    expect(await readerStore.delete(t, 'github')).toBe(true);
    expect(await readerStore.delete(t, 'github')).toBe(false);
    expect(await readerStore.get(t, 'github')).toBeNull();
  });
});

describe('loadOrCreateKeyset', () => {
  it('concurrently starting processes agree on one keyset, and a rotation is shared', async () => {
    const id = `keyset_${tenant()}`;
    const loaded = await Promise.all(
      Array.from({ length: 8 }, (_, i) => loadOrCreateKeyset(pools[i % 2]!, () => Keyset.generate(), id)),
    );
    expect(new Set(loaded.map((keyset) => keyset.primaryKid)).size).toBe(1);
    const rotated = loaded[0]!;
    const newKid = rotated.rotate();
    await saveKeyset(pools[0], rotated, id);
    const reloaded = await loadOrCreateKeyset(
      pools[1],
      () => {
        throw new Error('must not create when one exists');
      },
      id,
    );
    expect(reloaded.primaryKid).toBe(newKid);
    expect(reloaded.jwks()).toEqual(rotated.jwks());
  });
});

describe('migrate', () => {
  it('is idempotent and safe when several processes start at once on an empty database', async () => {
    const fresh = await createDatabase(db.serverUrl);
    const starters = await Promise.all(Array.from({ length: 4 }, () => openPool(fresh.url, { max: 2 })));
    try {
      const applied = await Promise.all(starters.map((pool) => migrate(pool)));
      expect(applied.flat().sort()).toEqual(MIGRATIONS.map((migration) => migration.version));
      expect(await migrate(starters[0]!)).toEqual([]);
      const { rows } = await starters[0]!.query(
        'SELECT version FROM actpass_schema_migrations ORDER BY version',
      );
      expect(rows.map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
    } finally {
      await Promise.all(starters.map((pool) => pool.end()));
      await fresh.drop();
    }
  });
});
