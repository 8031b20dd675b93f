/**
 * Ed25519 keys as JWKs (RFC 8037) on top of node:crypto, and RFC 7638 thumbprints.
 *
 * Only OKP/Ed25519 is accepted anywhere: binding the key type to the one algorithm we use is what makes
 * algorithm-confusion attacks (HS256 keyed with a public key, `alg: none`) impossible by construction.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { base64urlDecodeOrThrow, base64urlEncode } from './base64url.js';
import { sha256 } from './hash.js';

export interface Ed25519PublicJwk {
  kty: 'OKP';
  crv: 'Ed25519';
  x: string;
}

export interface Ed25519PrivateJwk extends Ed25519PublicJwk {
  d: string;
}

export interface Ed25519KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

const ED25519_KEY_BYTES = 32;
/** DER prefix of a PKCS#8 Ed25519 private key; the 32-byte seed follows it (RFC 8410 §7). */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function generateEd25519KeyPair(): Ed25519KeyPair {
  return generateKeyPairSync('ed25519');
}

/** Deterministic key from a 32-byte seed (the JWK `d`); used by vectors and by keyset deserialization. */
export function ed25519KeyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (seed.byteLength !== ED25519_KEY_BYTES) throw new TypeError('Ed25519 seed must be 32 bytes');
  const privateKey = createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]),
    format: 'der',
    type: 'pkcs8',
  });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

function assertOkpEd25519(jwk: unknown): asserts jwk is Ed25519PublicJwk {
  const candidate = jwk as Partial<Ed25519PublicJwk> | null;
  if (!candidate || typeof candidate !== 'object' || candidate.kty !== 'OKP' || candidate.crv !== 'Ed25519') {
    throw new TypeError('expected an OKP Ed25519 JWK');
  }
  if (typeof candidate.x !== 'string') throw new TypeError('Ed25519 JWK is missing "x"');
  if (base64urlDecodeOrThrow(candidate.x, 'JWK "x"').byteLength !== ED25519_KEY_BYTES) {
    throw new TypeError('Ed25519 JWK "x" must be 32 bytes');
  }
}

export function importPublicJwk(jwk: unknown): KeyObject {
  assertOkpEd25519(jwk);
  return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: jwk.x }, format: 'jwk' });
}

/** Imports a private JWK and checks that its `x` really belongs to its `d` (a mismatched pair signs garbage). */
export function importPrivateJwk(jwk: unknown): Ed25519KeyPair {
  assertOkpEd25519(jwk);
  const d = (jwk as Partial<Ed25519PrivateJwk>).d;
  if (typeof d !== 'string') throw new TypeError('Ed25519 private JWK is missing "d"');
  const pair = ed25519KeyPairFromSeed(base64urlDecodeOrThrow(d, 'JWK "d"'));
  if (exportPublicJwk(pair.publicKey).x !== jwk.x) throw new TypeError('Ed25519 JWK "x" does not match "d"');
  return pair;
}

export function exportPublicJwk(key: KeyObject): Ed25519PublicJwk {
  const { x } = key.export({ format: 'jwk' });
  if (key.asymmetricKeyType !== 'ed25519' || typeof x !== 'string') throw new TypeError('not an Ed25519 key');
  return { kty: 'OKP', crv: 'Ed25519', x };
}

export function exportPrivateJwk(privateKey: KeyObject): Ed25519PrivateJwk {
  const { x, d } = privateKey.export({ format: 'jwk' });
  if (privateKey.asymmetricKeyType !== 'ed25519' || typeof x !== 'string' || typeof d !== 'string') {
    throw new TypeError('not an Ed25519 private key');
  }
  return { kty: 'OKP', crv: 'Ed25519', x, d };
}

/**
 * RFC 7638 thumbprint: SHA-256 over the required members in lexicographic order with no whitespace.
 * Written out by hand (not via JCS) because the RFC fixes the exact bytes for OKP keys (RFC 8037 §2).
 */
export function jwkThumbprint(jwk: Ed25519PublicJwk): string {
  assertOkpEd25519(jwk);
  const json = `{"crv":"Ed25519","kty":"OKP","x":"${jwk.x}"}`;
  return base64urlEncode(sha256(json));
}
