/**
 * Writes packages/contract/vectors/vault/envelopes.json. Run once with `npx tsx`; vectors are then
 * frozen (never edit a published vector: add a new file). vectors.test.ts re-derives every value.
 *
 *   cd packages/gateway && npx tsx test/vault/generate-vectors.ts
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  associatedData,
  openSecret,
  parseVaultKey,
  sealSecret,
  type VaultEnvelope,
} from '../../src/vault/index.js';

const OUT = path.resolve(import.meta.dirname, '../../../contract/vectors/vault');
const bytes = (start: number, length: number) =>
  Buffer.from(Array.from({ length }, (_, i) => (start + i) & 0xff));

const KEK = bytes(0x00, 32);
const OTHER_KEK = bytes(0x80, 32);
const kek = parseVaultKey(KEK.toString('base64'))!;
const otherKek = parseVaultKey(OTHER_KEK.toString('base64'))!;

const sealing = [
  {
    name: 'stripe-key',
    binding: { tenant_id: 'tenant_acme', name: 'stripe', version: 1 },
    plaintext: 'sk_test_4eC39HqLyjWDarjtT1zdp7dc',
    start: 0x20,
  },
  {
    name: 'version-2',
    binding: { tenant_id: 'tenant_acme', name: 'stripe', version: 2 },
    plaintext: 'sk_test_rotated',
    start: 0x40,
  },
  {
    name: 'unicode-tenant-and-secret',
    binding: { tenant_id: 'tenant_édge/✓', name: 'smtp.password', version: 7 },
    plaintext: 'pässwörd 🔑 "quoted"\n',
    start: 0x60,
  },
  {
    name: 'one-byte-secret',
    binding: { tenant_id: 't', name: 'n', version: 1 },
    plaintext: 'x',
    start: 0xa0,
  },
].map(({ name, binding, plaintext, start }) => {
  const material = { data_key: bytes(start, 32), wrap_iv: bytes(start + 32, 12), iv: bytes(start + 44, 12) };
  const queue = [material.data_key, material.wrap_iv, material.iv];
  const envelope = sealSecret(kek, binding, Buffer.from(plaintext, 'utf8'), () => queue.shift()!);
  return {
    name,
    binding,
    plaintext,
    data_key: material.data_key.toString('base64url'),
    wrap_iv: material.wrap_iv.toString('base64url'),
    iv: material.iv.toString('base64url'),
    associated_data: Buffer.from(associatedData(binding)).toString('utf8'),
    envelope,
  };
});

const base = sealing[0]!;
const flip = (envelope: VaultEnvelope, field: keyof VaultEnvelope) => {
  const raw = Buffer.from(envelope[field] as string, 'base64url');
  raw[raw.length - 1] = (raw[raw.length - 1] ?? 0) ^ 0x01;
  return { ...envelope, [field]: raw.toString('base64url') };
};
type FailureCase = { name: string; kek?: 'other'; binding: typeof base.binding; envelope: VaultEnvelope };
const failures = (
  [
    {
      name: 'moved-to-other-tenant',
      binding: { ...base.binding, tenant_id: 'tenant_globex' },
      envelope: base.envelope,
    },
    { name: 'moved-to-other-name', binding: { ...base.binding, name: 'github' }, envelope: base.envelope },
    {
      name: 'other-version',
      binding: { ...base.binding, version: 2 },
      envelope: { ...base.envelope, version: 2 },
    },
    { name: 'wrong-kek', kek: 'other', binding: base.binding, envelope: base.envelope },
    {
      name: 'wrong-kek-forged-kek-id',
      kek: 'other',
      binding: base.binding,
      envelope: { ...base.envelope, kek_id: otherKek.id },
    },
    ...(['wrapped_key', 'wrap_iv', 'wrap_tag', 'ciphertext', 'iv', 'tag'] as const).map((field) => ({
      name: `flipped-${field}`,
      binding: base.binding,
      envelope: flip(base.envelope, field),
    })),
  ] as FailureCase[]
).map((c) => {
  const key = c.kek === 'other' ? otherKek : kek;
  try {
    openSecret(key, c.binding, c.envelope);
  } catch {
    return {
      name: c.name,
      kek: c.kek === 'other' ? 'other_kek' : 'kek',
      binding: c.binding,
      envelope: c.envelope,
      expected: 'decrypt_error',
    };
  }
  throw new Error(`${c.name} decrypted`);
});

writeFileSync(
  path.join(OUT, 'envelopes.json'),
  `${JSON.stringify(
    {
      description:
        'AES-256-GCM envelopes. sealing: fixed KEK, data key and IVs -> exact envelope (all binary base64url); AAD for both the key wrap and the secret is the JCS of {tenant_id, name, version}. opening: every case must fail to decrypt.',
      kek: { base64: KEK.toString('base64'), kek_id: kek.id, bytes_hex: KEK.toString('hex') },
      other_kek: { base64: OTHER_KEK.toString('base64'), kek_id: otherKek.id },
      kek_id_rule: 'kek_ + first 16 hex of SHA-256("actpass.vault.kek-id/v1" || 0x00 || kek bytes)',
      sealing,
      opening_failures: failures,
    },
    null,
    2,
  )}\n`,
);
console.log(`wrote envelopes.json: ${sealing.length} sealing, ${failures.length} failures`);
