export * from '../constants.js';
export {
  associatedData,
  type EnvelopeBinding,
  openSecret,
  parseVaultKey,
  type RandomBytes,
  sealSecret,
  type VaultEnvelope,
  VaultKek,
} from './envelope.js';
export { VaultDecryptError, VaultInputError, VaultKeyError, VaultNoKeyError } from './errors.js';
export { type CredentialMetadata, MemoryVaultStore, type VaultRecord, type VaultStore } from './store.js';
export {
  type CredentialLease,
  clampLeaseTtl,
  type PutCredentialOptions,
  Vault,
  type VaultOptions,
} from './vault.js';
