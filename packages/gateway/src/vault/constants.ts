/** Vault defaults (SPEC §7). */

export const VAULT_KEY_ENV = 'ACTPASS_VAULT_KEY';
export const VAULT_KEY_BYTES = 32;
export const VAULT_DATA_KEY_BYTES = 32;
/** 96-bit GCM nonces, random per encryption: safe far beyond any vault's number of secret versions. */
export const VAULT_IV_BYTES = 12;
export const VAULT_TAG_BYTES = 16;
export const VAULT_ENVELOPE_VERSION = 1;
export const VAULT_CIPHER = 'aes-256-gcm';
export const VAULT_LEASE_TTL_DEFAULT_SECONDS = 300;
export const VAULT_LEASE_TTL_MIN_SECONDS = 1;
export const VAULT_LEASE_TTL_MAX_SECONDS = 3600;
export const VAULT_SECRET_MAX_BYTES = 64 * 1024;
export const VAULT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
export const VAULT_KEY_HINT = `set ${VAULT_KEY_ENV} to 32 random bytes in base64, e.g. \`export ${VAULT_KEY_ENV}="$(openssl rand -base64 32)"\``;
