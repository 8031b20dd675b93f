/**
 * Signed evidence exports: a tenant's chain plus its head, signed with the gateway keyset so
 * a security team can verify it offline with nothing but the published JWKS.
 *
 * The signature is Ed25519 over the JCS canonical form of the export without `signature`, encoded
 * base64url. The same keyset signs passports, whose signing input is `base64url.base64url` text, while
 * this one is a JSON object starting with `{`: the two can never be mistaken for each other. Keys retired since the export no longer appear in the JWKS: keep the JWKS that was current
 * when archiving an export.
 */
import { verify as cryptoVerify } from 'node:crypto';
import { canonicalBytes } from '@actpass/sdk/canonical';
import { EVIDENCE_EXPORT_FORMAT } from '../constants.js';
import { base64urlDecode, base64urlEncode } from '../crypto/index.js';
import { jwksResolver, type KeyResolver } from '../passport/jwks.js';
import type { Jwks, Keyset } from '../passport/keyset.js';
import { LedgerChainBrokenError } from './errors.js';
import type { LedgerEvent, LedgerHead } from './event.js';
import { signedExportBytes } from './export-signed-text.js';
import { type ChainBreakReason, verifyChain } from './verify.js';

export interface EvidenceExport {
  format: typeof EVIDENCE_EXPORT_FORMAT;
  tenant_id: string;
  events: LedgerEvent[];
  head: LedgerHead;
  exported_at: string;
  signature: { alg: 'EdDSA'; kid: string; sig: string };
}

export type ExportFailureReason =
  | 'malformed_export'
  | 'unsupported_alg'
  | 'unknown_key'
  | 'bad_signature'
  | ChainBreakReason;
export type VerifyExportResult =
  | { ok: true; head: LedgerHead }
  | { ok: false; reason: ExportFailureReason; first_broken_seq?: number; message: string };

const ACCEPTED_ALGS = ['EdDSA', 'Ed25519'];
const ED25519_SIGNATURE_BYTES = 64;

/**
 * Signs an export of `events` (a whole chain, seq 1 onward). Refuses (`LedgerChainBrokenError`) to
 * sign a chain that does not verify: a signature must never vouch for a broken ledger.
 */
export function exportEvidence(
  events: readonly LedgerEvent[],
  tenantId: string,
  keyset: Keyset,
  now: Date = new Date(),
): EvidenceExport {
  const chain = verifyChain(events, { tenantId });
  if (!chain.ok) throw new LedgerChainBrokenError(chain.first_broken_seq, chain.reason);
  const unsigned: Omit<EvidenceExport, 'signature'> = {
    format: EVIDENCE_EXPORT_FORMAT,
    tenant_id: tenantId,
    events: [...events],
    head: chain.head,
    exported_at: now.toISOString(),
  };
  const { kid, signature } = keyset.sign(canonicalBytes(unsigned));
  return { ...unsigned, signature: { alg: 'EdDSA', kid, sig: base64urlEncode(signature) } };
}

/**
 * Offline verification with only a JWKS (or any key resolver). `ok` needs all of: the v1 shape, an
 * intact chain of the export's tenant whose last event is `head`, and a valid Ed25519 signature by a
 * key in the JWKS over the canonical export without `signature`.
 *
 * The chain is checked before the signature, so an edited export reports WHERE it was edited
 * (`first_broken_seq`) rather than only that the signature fails; the Python verifier does the same,
 * and the shared vectors pin the order. `knownHead`, a head from an earlier export, also detects a
 * later export that silently dropped events.
 */
export function verifyExport(
  candidate: unknown,
  keys: Jwks | KeyResolver,
  options: { knownHead?: LedgerHead } = {},
): VerifyExportResult {
  const shape = exportShapeProblem(candidate);
  if (shape) return { ok: false, reason: 'malformed_export', message: shape };
  const exported = candidate as EvidenceExport;

  const chain = verifyChain(exported.events, {
    tenantId: exported.tenant_id,
    expectedHead: options.knownHead,
  });
  if (!chain.ok) {
    return {
      ok: false,
      reason: chain.reason,
      first_broken_seq: chain.first_broken_seq,
      message: chain.message,
    };
  }
  if (chain.head.seq !== exported.head.seq || chain.head.hash !== exported.head.hash) {
    return {
      ok: false,
      reason: 'head_mismatch',
      first_broken_seq: Math.min(exported.head.seq, chain.head.seq + 1),
      message: 'export head is not its last event',
    };
  }

  const { signature } = exported;
  if (!ACCEPTED_ALGS.includes(signature.alg)) {
    return { ok: false, reason: 'unsupported_alg', message: 'signature alg must be EdDSA or Ed25519' };
  }
  const resolver = 'verificationKey' in keys ? keys : jwksResolver(keys);
  const key = resolver.verificationKey(signature.kid);
  if (!key) return { ok: false, reason: 'unknown_key', message: 'the JWKS has no Ed25519 key with this kid' };
  let signedBytes: Uint8Array;
  try {
    signedBytes = signedExportBytes(exported as unknown as Record<string, unknown>);
  } catch {
    return { ok: false, reason: 'malformed_export', message: 'export has no canonical JSON form' };
  }
  const sig = base64urlDecode(signature.sig);
  if (!sig || sig.byteLength !== ED25519_SIGNATURE_BYTES || !cryptoVerify(null, signedBytes, key, sig)) {
    return { ok: false, reason: 'bad_signature', message: 'export signature does not verify' };
  }
  return { ok: true, head: chain.head };
}

function exportShapeProblem(value: unknown): string | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return 'export must be a JSON object';
  const exported = value as Partial<EvidenceExport>;
  if (exported.format !== EVIDENCE_EXPORT_FORMAT) return `format must be ${EVIDENCE_EXPORT_FORMAT}`;
  if (typeof exported.tenant_id !== 'string') return 'tenant_id must be a string';
  if (!Array.isArray(exported.events)) return 'events must be an array';
  const head = exported.head as Partial<LedgerHead> | undefined;
  if (!head || !Number.isSafeInteger(head.seq) || typeof head.hash !== 'string')
    return 'head must be {seq, hash}';
  if (typeof exported.exported_at !== 'string') return 'exported_at must be a string';
  const signature = exported.signature as Partial<EvidenceExport['signature']> | undefined;
  if (
    !signature ||
    typeof signature.alg !== 'string' ||
    typeof signature.kid !== 'string' ||
    typeof signature.sig !== 'string'
  ) {
    return 'signature must be {alg, kid, sig} strings';
  }
  return null;
}
