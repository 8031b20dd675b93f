/**
 * AES-256-GCM envelope encryption.
 *
 * Each secret version gets a fresh 32-byte data key and 12-byte IV; the data key is itself encrypted
 * (wrapped) under the key-encryption key (KEK) with its own IV. Both encryptions take the same
 * associated data, the JCS canonical JSON of `{tenant_id, name, version}`, so a record copied to another
 * tenant, name or version fails authentication instead of decrypting. Rotating the KEK only re-wraps
 * data keys; `kek_id` says which KEK wrapped a record.
 *
 * All binary fields are base64url (no padding).
 */
import { createCipheriv, createDecipheriv, randomBytes as cryptoRandomBytes } from 'node:crypto';
import { canonicalBytes } from '@actpass/sdk/canonical';
import {
  VAULT_CIPHER,
  VAULT_DATA_KEY_BYTES,
  VAULT_ENVELOPE_VERSION,
  VAULT_IV_BYTES,
  VAULT_KEY_BYTES,
  VAULT_KEY_ENV,
  VAULT_KEY_HINT,
  VAULT_TAG_BYTES,
} from '../constants.js';
import { base64urlDecode, base64urlEncode, sha256Hex } from '../crypto/index.js';
import { VaultDecryptError, VaultKeyError } from './errors.js';

/**
 * The key-encryption key. The bytes live in a private field so that logging, inspecting or
 * JSON-serializing a KEK (or anything holding one) shows only its public `id`.
 */
export class VaultKek {
  readonly #key: Buffer;
  /** Public fingerprint of the key, stored with every record. */
  readonly id: string;

  constructor(key: Uint8Array) {
    if (key.byteLength !== VAULT_KEY_BYTES)
      throw new VaultKeyError(`a vault key must be ${VAULT_KEY_BYTES} bytes`);
    this.#key = Buffer.from(key);
    // Domain-separated so the id cannot be mistaken for (or reused as) any other hash of the key.
    this.id = `kek_${sha256Hex(Buffer.concat([Buffer.from('actpass.vault.kek-id/v1\0'), this.#key])).slice(0, 16)}`;
  }

  /** @internal the raw key, for this module's cipher calls only. */
  bytes(): Buffer {
    return this.#key;
  }

  toJSON(): { id: string } {
    return { id: this.id };
  }
}

export interface EnvelopeBinding {
  tenant_id: string;
  name: string;
  version: number;
}

export interface VaultEnvelope {
  v: typeof VAULT_ENVELOPE_VERSION;
  alg: 'A256GCM';
  kek_id: string;
  version: number;
  wrapped_key: string;
  wrap_iv: string;
  wrap_tag: string;
  ciphertext: string;
  iv: string;
  tag: string;
}

/** Source of randomness; injectable so vectors are reproducible. Called for: data key, wrap IV, IV. */
export type RandomBytes = (size: number) => Uint8Array;

const STANDARD_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/**
 * Reads the KEK from a base64 string (the value of `ACTPASS_VAULT_KEY`). Returns null when unset or
 * empty (the vault then refuses to store); throws `VaultKeyError` when set but not 32 bytes of base64.
 * The error never echoes the value.
 */
export function parseVaultKey(value: string | undefined): VaultKek | null {
  if (value === undefined || value.trim() === '') return null;
  const text = value.trim();
  const normalized = text.replace(/-/g, '+').replace(/_/g, '/');
  if (!STANDARD_BASE64.test(normalized)) {
    throw new VaultKeyError(`${VAULT_KEY_ENV} is not base64; ${VAULT_KEY_HINT}`);
  }
  const key = Buffer.from(normalized, 'base64');
  if (key.byteLength !== VAULT_KEY_BYTES) {
    throw new VaultKeyError(
      `${VAULT_KEY_ENV} must decode to ${VAULT_KEY_BYTES} bytes (it decodes to ${key.byteLength}); ${VAULT_KEY_HINT}`,
    );
  }
  return new VaultKek(key);
}

export function associatedData(binding: EnvelopeBinding): Uint8Array {
  return canonicalBytes({ tenant_id: binding.tenant_id, name: binding.name, version: binding.version });
}

export function sealSecret(
  kek: VaultKek,
  binding: EnvelopeBinding,
  plaintext: Uint8Array,
  randomBytes: RandomBytes = cryptoRandomBytes,
): VaultEnvelope {
  const aad = associatedData(binding);
  const dataKey = exactBytes(randomBytes(VAULT_DATA_KEY_BYTES), VAULT_DATA_KEY_BYTES);
  const wrapIv = exactBytes(randomBytes(VAULT_IV_BYTES), VAULT_IV_BYTES);
  const iv = exactBytes(randomBytes(VAULT_IV_BYTES), VAULT_IV_BYTES);
  const wrapped = gcmEncrypt(kek.bytes(), wrapIv, aad, dataKey);
  const secret = gcmEncrypt(dataKey, iv, aad, plaintext);
  dataKey.fill(0);
  return {
    v: VAULT_ENVELOPE_VERSION,
    alg: 'A256GCM',
    kek_id: kek.id,
    version: binding.version,
    wrapped_key: base64urlEncode(wrapped.ciphertext),
    wrap_iv: base64urlEncode(wrapIv),
    wrap_tag: base64urlEncode(wrapped.tag),
    ciphertext: base64urlEncode(secret.ciphertext),
    iv: base64urlEncode(iv),
    tag: base64urlEncode(secret.tag),
  };
}

/**
 * Decrypts a record for the row it was read from (`binding` comes from where the record is stored, not
 * from the record). Any failure is the same `VaultDecryptError`, without detail an attacker could use.
 */
export function openSecret(kek: VaultKek, binding: EnvelopeBinding, envelope: VaultEnvelope): Buffer {
  const fail = (why: string) => new VaultDecryptError(`cannot decrypt credential "${binding.name}": ${why}`);
  if (envelope?.v !== VAULT_ENVELOPE_VERSION || envelope.alg !== 'A256GCM')
    throw fail('unknown envelope format');
  if (envelope.kek_id !== kek.id) throw fail('it was encrypted under a different ACTPASS_VAULT_KEY');
  if (envelope.version !== binding.version)
    throw fail('the record does not belong to this credential version');
  const fields = {
    wrapped: base64urlDecode(envelope.wrapped_key),
    wrapIv: base64urlDecode(envelope.wrap_iv),
    wrapTag: base64urlDecode(envelope.wrap_tag),
    ciphertext: base64urlDecode(envelope.ciphertext),
    iv: base64urlDecode(envelope.iv),
    tag: base64urlDecode(envelope.tag),
  };
  if (Object.values(fields).some((field) => field === null)) throw fail('the record is malformed');
  const aad = associatedData(binding);
  let dataKey: Buffer | null = null;
  try {
    dataKey = gcmDecrypt(kek.bytes(), fields.wrapIv!, aad, fields.wrapped!, fields.wrapTag!);
    if (dataKey.byteLength !== VAULT_DATA_KEY_BYTES) throw new Error('bad data key');
    return gcmDecrypt(dataKey, fields.iv!, aad, fields.ciphertext!, fields.tag!);
  } catch {
    throw fail('authentication failed (wrong key, or the record was moved to another tenant or name)');
  } finally {
    dataKey?.fill(0);
  }
}

function gcmEncrypt(key: Uint8Array, iv: Uint8Array, aad: Uint8Array, plaintext: Uint8Array) {
  const cipher = createCipheriv(VAULT_CIPHER, key, iv, { authTagLength: VAULT_TAG_BYTES });
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { ciphertext, tag: cipher.getAuthTag() };
}

function gcmDecrypt(
  key: Uint8Array,
  iv: Uint8Array,
  aad: Uint8Array,
  ciphertext: Uint8Array,
  tag: Uint8Array,
) {
  if (iv.byteLength !== VAULT_IV_BYTES || tag.byteLength !== VAULT_TAG_BYTES)
    throw new Error('bad iv or tag');
  const decipher = createDecipheriv(VAULT_CIPHER, key, iv, { authTagLength: VAULT_TAG_BYTES });
  decipher.setAAD(aad);
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

function exactBytes(bytes: Uint8Array, size: number): Buffer {
  if (bytes.byteLength !== size)
    throw new RangeError(`randomness source returned ${bytes.byteLength} bytes, not ${size}`);
  return Buffer.from(bytes);
}
