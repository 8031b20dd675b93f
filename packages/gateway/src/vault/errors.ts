/**
 * Vault errors. By construction none of them is given a secret, a key or a ciphertext: messages name
 * the credential and the problem only, so logging an error can never leak what the vault protects.
 */
import { VAULT_KEY_HINT } from '../constants.js';

/** No key-encryption key configured: the vault refuses to store (reason `vault.no_key`). */
export class VaultNoKeyError extends Error {
  override readonly name = 'VaultNoKeyError';
  readonly reason_code = 'vault.no_key';
  constructor() {
    super(`the credential vault has no encryption key: ${VAULT_KEY_HINT}`);
  }
}

/** `ACTPASS_VAULT_KEY` is set but unusable. */
export class VaultKeyError extends Error {
  override readonly name = 'VaultKeyError';
  readonly reason_code = 'vault.no_key';
}

/** A record failed to decrypt: wrong key, or a ciphertext moved to another tenant, name or version. */
export class VaultDecryptError extends Error {
  override readonly name = 'VaultDecryptError';
}

/** Bad input to the vault API (name, bound tools, TTL, secret size). */
export class VaultInputError extends Error {
  override readonly name = 'VaultInputError';
}
