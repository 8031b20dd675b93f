/**
 * Writes `packages/contract/vectors/ledger/chains-written-by.json`: chains whose events record their
 * writer in `data.written_by` — the v1 envelope unchanged, so every verifier checks them
 * as it checks `chains.json`. Run: `pnpm exec tsx test/ledger/generate-writer-vectors.ts`.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { canonicalize } from '@actpass/sdk/canonical';
import { MemoryLedgerStore, stampingWriter, verifyChain, writingAs } from '../../src/ledger/index.js';

const OUT = path.resolve(import.meta.dirname, '../../../contract/vectors/ledger/chains-written-by.json');
const TENANT = 'tenant_acme';

async function main() {
  let tick = 0;
  let id = 0;
  const store = stampingWriter(
    new MemoryLedgerStore({
      clock: () => new Date(Date.UTC(2026, 10, 1, 9, 0, tick++)),
      newId: () => `ev_writer${String(++id).padStart(4, '0')}`,
    }),
  );
  await store.append(TENANT, { type: 'policy.updated', data: { policy: { id: 'p', version: 1 } } });
  await writingAs({ key_id: 'key_agent01', roles: ['agent'] }, () =>
    store.append(TENANT, { type: 'decision', data: { decision: 'allow', key_id: 'key_agent01' } }),
  );
  await writingAs({ key_id: 'key_approver01', roles: ['approver'] }, () =>
    store.append(TENANT, { type: 'approval.approved', data: { approval_request_id: 'apr_1' } }),
  );
  await writingAs({ key_id: 'key_both01', roles: ['approver', 'agent'] }, () =>
    store.append(TENANT, { type: 'app.note', data: { text: 'roles are recorded sorted' } }),
  );
  const events = await store.list(TENANT);
  const verified = verifyChain(events, { tenantId: TENANT });
  if (!verified.ok) throw new Error('generated chain does not verify');
  const written = events.map((event) => event.data.written_by);
  const expected = [
    { key_id: null, roles: ['gateway'] },
    { key_id: 'key_agent01', roles: ['agent'] },
    { key_id: 'key_approver01', roles: ['approver'] },
    { key_id: 'key_both01', roles: ['agent', 'approver'] },
  ];
  if (JSON.stringify(written) !== JSON.stringify(expected)) throw new Error('writers are not as specified');
  const file = {
    description:
      'Intact chains whose events record their writer as data.written_by = {key_id, roles}: the id and sorted roles of the API key whose request caused the event, or {key_id: null, roles: ["gateway"]} for what the gateway writes on its own. The envelope is v1, checked exactly as chains.json.',
    cases: [
      {
        name: 'written-by',
        tenant_id: TENANT,
        events,
        canonical_without_hash: events.map(({ hash: _h, ...rest }) => canonicalize(rest)),
        head: verified.head,
      },
    ],
  };
  writeFileSync(OUT, `${JSON.stringify(file, null, 2)}\n`);
  console.log(`wrote ${OUT}`);
}

await main();
