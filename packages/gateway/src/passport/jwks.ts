/**
 * Where verification keys come from: a `KeyResolver` maps a `kid` to a public key, and nothing else.
 * Keys are never fetched from anything a token names (`jku`, `x5u`, `jwk` are rejected at parse time).
 */
import type { KeyObject } from 'node:crypto';
import { importPublicJwk, jwkThumbprint } from '../crypto/index.js';

export interface KeyResolver {
  /** The public key for `kid`, or `undefined` when it is unknown or retired. */
  verificationKey(kid: string): KeyObject | undefined;
}

/**
 * A resolver over a published JWKS (offline verification of exports, or a verifier that is not the
 * issuer). Keys are imported once up front, so verification never re-parses JWKs. Entries that are not
 * Ed25519 signing keys, or whose `kid` is not their RFC 7638 thumbprint, are ignored rather than trusted.
 */
export function jwksResolver(jwks: { keys?: unknown }): KeyResolver {
  const byKid = new Map<string, KeyObject>();
  for (const candidate of Array.isArray(jwks?.keys) ? jwks.keys : []) {
    const jwk = candidate as { kid?: unknown; use?: unknown; alg?: unknown };
    if (typeof jwk.kid !== 'string') continue;
    if (jwk.use !== undefined && jwk.use !== 'sig') continue;
    if (jwk.alg !== undefined && jwk.alg !== 'EdDSA' && jwk.alg !== 'Ed25519') continue;
    try {
      const key = importPublicJwk(candidate);
      if (jwkThumbprint(candidate as Parameters<typeof jwkThumbprint>[0]) === jwk.kid)
        byKid.set(jwk.kid, key);
    } catch {
      // Not an Ed25519 key: it can never verify an ActPass signature, so it is simply not a candidate.
    }
  }
  return { verificationKey: (kid) => byKid.get(kid) };
}
