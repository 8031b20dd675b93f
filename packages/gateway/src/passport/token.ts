/**
 * Compact JWS for passports. Strict by construction: the only accepted header is exactly
 * `{alg, kid, typ}` with `alg` EdDSA/Ed25519 and `typ` actpass-passport+jwt, every segment must be
 * canonical base64url, and header/payload JSON must not repeat a member. Anything else is malformed,
 * because every extra header member (crit, jku, x5u, jwk, b64, cty, zip, …) is a way to change how the
 * token is processed, and we process it exactly one way.
 *
 * Signing writes header and payload as JCS canonical JSON so that other implementations (the Python
 * vectors) reproduce the exact token bytes.
 */
import { verify as cryptoVerify } from 'node:crypto';
import { canonicalBytes, parseJsonStrict } from '@actpass/sdk/canonical';
import {
  PASSPORT_ACCEPTED_ALGS,
  PASSPORT_HEADER_MEMBERS,
  PASSPORT_MAX_KID_CHARS,
  PASSPORT_MAX_TOKEN_CHARS,
  PASSPORT_SIGNING_ALG,
  PASSPORT_TYP,
} from '../constants.js';
import { base64urlDecode, base64urlEncode } from '../crypto/index.js';
import type { KeyResolver } from './jwks.js';
import type { Keyset } from './keyset.js';

const ED25519_SIGNATURE_BYTES = 64;

export interface PassportHeader {
  alg: 'EdDSA' | 'Ed25519';
  kid: string;
  typ: typeof PASSPORT_TYP;
}

export interface ParsedToken {
  header: PassportHeader;
  payload: Record<string, unknown>;
  signingInput: Buffer;
  signature: Buffer;
}

export type ParseTokenResult = { ok: true; token: ParsedToken } | { ok: false; message: string };
export type SignatureCheck = 'ok' | 'unknown_key' | 'bad_signature';

/** Signs `payload` with the keyset's primary key. */
export function signToken(payload: Record<string, unknown>, keyset: Keyset): string {
  const kid = keyset.primaryKid;
  const header: PassportHeader = { alg: PASSPORT_SIGNING_ALG, kid, typ: PASSPORT_TYP };
  const signingInput = `${base64urlEncode(canonicalBytes(header))}.${base64urlEncode(canonicalBytes(payload))}`;
  const signed = keyset.sign(Buffer.from(signingInput, 'ascii'));
  if (signed.kid !== kid) throw new Error('primary key changed while signing');
  return `${signingInput}.${base64urlEncode(signed.signature)}`;
}

/** Structure and header checks only; never throws. */
export function parseToken(token: unknown): ParseTokenResult {
  if (typeof token !== 'string' || token.length === 0) return fail('token must be a non-empty string');
  if (token.length > PASSPORT_MAX_TOKEN_CHARS)
    return fail(`token exceeds ${PASSPORT_MAX_TOKEN_CHARS} characters`);
  const segments = token.split('.');
  if (segments.length !== 3) return fail('token must have exactly three segments');
  const [headerText, payloadText, signatureText] = segments as [string, string, string];
  const headerBytes = base64urlDecode(headerText);
  const payloadBytes = base64urlDecode(payloadText);
  const signature = base64urlDecode(signatureText);
  if (!headerBytes || !payloadBytes || !signature) return fail('segments must be canonical base64url');

  const header = parseJsonObject(headerBytes);
  if (!header) return fail('header is not a JSON object');
  const headerProblem = checkHeader(header);
  if (headerProblem) return fail(headerProblem);
  const payload = parseJsonObject(payloadBytes);
  if (!payload) return fail('payload is not a JSON object');
  if (signature.byteLength !== ED25519_SIGNATURE_BYTES) return fail('signature must be 64 bytes');

  return {
    ok: true,
    token: {
      header: header as unknown as PassportHeader,
      payload,
      signingInput: Buffer.from(`${headerText}.${payloadText}`, 'ascii'),
      signature,
    },
  };
}

/** Looks the header's kid up in `keys` (and nowhere else) and checks the Ed25519 signature. */
export function checkSignature(token: ParsedToken, keys: KeyResolver): SignatureCheck {
  const key = keys.verificationKey(token.header.kid);
  if (!key) return 'unknown_key';
  return cryptoVerify(null, token.signingInput, key, token.signature) ? 'ok' : 'bad_signature';
}

function checkHeader(header: Record<string, unknown>): string | null {
  for (const member of Object.keys(header)) {
    if (!PASSPORT_HEADER_MEMBERS.includes(member)) return `header member "${member}" is not allowed`;
  }
  if (typeof header.alg !== 'string' || !PASSPORT_ACCEPTED_ALGS.includes(header.alg)) {
    return 'header alg must be EdDSA or Ed25519';
  }
  if (header.typ !== PASSPORT_TYP) return `header typ must be ${PASSPORT_TYP}`;
  if (
    typeof header.kid !== 'string' ||
    header.kid.length === 0 ||
    header.kid.length > PASSPORT_MAX_KID_CHARS
  ) {
    return 'header kid must be a non-empty string';
  }
  return null;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function parseJsonObject(bytes: Uint8Array): Record<string, unknown> | null {
  try {
    // Strict parsing: a duplicated member could be read differently by another verifier.
    const value = parseJsonStrict(utf8.decode(bytes));
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function fail(message: string): ParseTokenResult {
  return { ok: false, message };
}
