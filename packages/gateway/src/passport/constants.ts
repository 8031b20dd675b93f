/** Passport defaults and limits (SPEC §4). One place, so the request path has no magic numbers. */

export const PASSPORT_TYP = 'actpass-passport+jwt';
/** The algorithm we sign with; verifiers also accept the fully-specified `Ed25519` name (RFC 9864). */
export const PASSPORT_SIGNING_ALG = 'EdDSA';
export const PASSPORT_ACCEPTED_ALGS: readonly string[] = ['EdDSA', 'Ed25519'];
/** The only header members a passport may carry; everything else (crit, jku, x5u, jwk, b64, …) is refused. */
export const PASSPORT_HEADER_MEMBERS: readonly string[] = ['alg', 'kid', 'typ'];

export const PASSPORT_TTL_DEFAULT_SECONDS = 300;
export const PASSPORT_TTL_MIN_SECONDS = 1;
export const PASSPORT_TTL_MAX_SECONDS = 3600;

/** Clock-skew allowance for nbf/exp. One process issues and verifies, so skew is small; SPEC caps it at 30 s. */
export const PASSPORT_LEEWAY_DEFAULT_SECONDS = 5;
export const PASSPORT_LEEWAY_MAX_SECONDS = 30;

/** Far above any honest passport (~1 KiB), low enough that parsing junk costs nothing. */
export const PASSPORT_MAX_TOKEN_CHARS = 8192;
export const PASSPORT_MAX_KID_CHARS = 128;
export const PASSPORT_JTI_PREFIX = 'ap_';
/** 128 random bits. */
export const PASSPORT_JTI_RANDOM_BYTES = 16;
