import type { Schemas } from '../core/types.js';
import type { Assert, SameShape } from './check.js';
import { EvidenceEventId, JsonObject, Sha256Hex, Timestamp } from './common.js';
import * as z from './z.js';

export const EvidenceEventSchema = z.object({
  v: z.literal(1),
  seq: z.number(),
  id: EvidenceEventId,
  tenant_id: z.string(),
  type: z.string(),
  at: Timestamp,
  data: JsonObject,
  prev_hash: Sha256Hex,
  hash: Sha256Hex,
});

export const EvidencePageSchema = z.object({
  events: z.array(EvidenceEventSchema),
  next_after_seq: z.nullable(z.number()),
});

const ChainHeadSchema = z.object({ seq: z.number(), hash: Sha256Hex });

export const ChainVerificationSchema = z.object({
  ok: z.boolean(),
  count: z.number(),
  head: z.nullable(ChainHeadSchema),
  first_broken_seq: z.optional(z.number()),
  reason: z.optional(z.string()),
});

export const EvidenceExportSchema = z.object({
  format: z.literal('actpass.evidence-export/v1'),
  tenant_id: z.string(),
  events: z.array(EvidenceEventSchema),
  head: ChainHeadSchema,
  exported_at: Timestamp,
  signature: z.object({ alg: z.enum(['EdDSA', 'Ed25519']), kid: z.string(), sig: z.string() }),
});

export type _EvidenceInSync = [
  Assert<SameShape<z.infer<typeof EvidenceEventSchema>, Schemas['EvidenceEvent']>>,
  Assert<SameShape<z.infer<typeof EvidencePageSchema>, Schemas['EvidencePage']>>,
  Assert<SameShape<z.infer<typeof ChainVerificationSchema>, Schemas['ChainVerification']>>,
  Assert<SameShape<z.infer<typeof EvidenceExportSchema>, Schemas['EvidenceExport']>>,
];
