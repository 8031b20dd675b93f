import type { Schemas } from '../core/types.js';
import type { Assert, SameShape } from './check.js';
import { Timestamp } from './common.js';
import * as z from './z.js';

export const CredentialMetadataSchema = z.object({
  name: z.string(),
  bound_tools: z.array(z.string()),
  delivery: z.optional(z.enum(['sdk', 'proxy'])),
  version: z.number(),
  lease_ttl_seconds: z.number(),
  created_at: Timestamp,
  updated_at: Timestamp,
});

export const CredentialListSchema = z.object({ items: z.array(CredentialMetadataSchema) });

export const CredentialDeletionSchema = z.object({ name: z.string(), deleted: z.boolean() });

export type _CredentialsInSync = [
  Assert<SameShape<z.infer<typeof CredentialMetadataSchema>, Schemas['CredentialMetadata']>>,
  Assert<SameShape<z.infer<typeof CredentialListSchema>, Schemas['CredentialList']>>,
  Assert<SameShape<z.infer<typeof CredentialDeletionSchema>, Schemas['CredentialDeletion']>>,
];
