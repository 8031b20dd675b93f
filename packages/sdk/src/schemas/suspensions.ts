import type { Schemas } from '../core/types.js';
import type { Assert, SameShape } from './check.js';
import { Timestamp } from './common.js';
import * as z from './z.js';

const SuspensionScope = z.enum(['agent', 'user', 'tool', 'tenant']);

export const SuspensionSchema = z.object({
  id: z.string(),
  scope: SuspensionScope,
  match: z.string(),
  reason: z.string(),
  status: z.enum(['active', 'resumed', 'expired']),
  created_at: Timestamp,
  created_by: z.string(),
  until: z.optional(Timestamp),
  resumed_at: z.optional(Timestamp),
  resumed_by: z.optional(z.string()),
});

export const SuspensionListSchema = z.object({ items: z.array(SuspensionSchema) });

export type _SuspensionsInSync = [
  Assert<SameShape<z.infer<typeof SuspensionSchema>, Schemas['Suspension']>>,
  Assert<SameShape<z.infer<typeof SuspensionListSchema>, Schemas['SuspensionList']>>,
];
