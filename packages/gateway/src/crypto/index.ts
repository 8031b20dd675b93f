export { base64urlDecode, base64urlDecodeOrThrow, base64urlEncode } from './base64url.js';
export {
  type Ed25519KeyPair,
  type Ed25519PrivateJwk,
  type Ed25519PublicJwk,
  ed25519KeyPairFromSeed,
  exportPrivateJwk,
  exportPublicJwk,
  generateEd25519KeyPair,
  importPrivateJwk,
  importPublicJwk,
  jwkThumbprint,
} from './ed25519.js';
export { sha256, sha256Hex } from './hash.js';
