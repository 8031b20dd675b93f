import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  associatedData,
  type EnvelopeBinding,
  openSecret,
  parseVaultKey,
  sealSecret,
  VaultDecryptError,
  type VaultEnvelope,
} from '../../src/vault/index.js';

const vectors = JSON.parse(
  readFileSync(path.resolve(import.meta.dirname, '../../../contract/vectors/vault/envelopes.json'), 'utf8'),
);
const keks = { kek: parseVaultKey(vectors.kek.base64)!, other_kek: parseVaultKey(vectors.other_kek.base64)! };

describe('vault vectors: envelopes.json', () => {
  it('derives the kek ids', () => {
    expect(keks.kek.id).toBe(vectors.kek.kek_id);
    expect(keks.other_kek.id).toBe(vectors.other_kek.kek_id);
  });

  for (const c of vectors.sealing as Array<{
    name: string;
    binding: EnvelopeBinding;
    plaintext: string;
    data_key: string;
    wrap_iv: string;
    iv: string;
    associated_data: string;
    envelope: VaultEnvelope;
  }>) {
    it(`${c.name}: seals to the exact envelope and opens again`, () => {
      expect(Buffer.from(associatedData(c.binding)).toString('utf8')).toBe(c.associated_data);
      // The documented order in which the sealer draws randomness: data key, wrap IV, IV.
      const queue = [c.data_key, c.wrap_iv, c.iv].map((b) => Buffer.from(b, 'base64url'));
      const envelope = sealSecret(
        keks.kek,
        c.binding,
        Buffer.from(c.plaintext, 'utf8'),
        () => queue.shift()!,
      );
      expect(envelope).toEqual(c.envelope);
      expect(openSecret(keks.kek, c.binding, c.envelope).toString('utf8')).toBe(c.plaintext);
    });
  }

  for (const c of vectors.opening_failures as Array<{
    name: string;
    kek: 'kek' | 'other_kek';
    binding: EnvelopeBinding;
    envelope: VaultEnvelope;
  }>) {
    it(`${c.name}: fails to decrypt`, () => {
      expect(() => openSecret(keks[c.kek], c.binding, c.envelope)).toThrow(VaultDecryptError);
    });
  }
});
