import type { Schemas } from '../core/types.js';
import type { Assert, SameShape } from './check.js';
import { JsonObject, Sha256Hex, Timestamp } from './common.js';
import * as z from './z.js';

const ToolDefinitionSchema = z.object({
  name: z.string(),
  description: z.string(),
  input_schema: JsonObject,
  output_schema: z.optional(JsonObject),
  annotations: z.optional(JsonObject),
});

export const ApprovedToolSchema = z.object({
  name: z.string(),
  hash: Sha256Hex,
  definition: ToolDefinitionSchema,
  approved_at: Timestamp,
});

export const ToolListSchema = z.object({ items: z.array(ApprovedToolSchema) });

export type _ToolsInSync = [
  Assert<SameShape<z.infer<typeof ApprovedToolSchema>, Schemas['ApprovedTool']>>,
  Assert<SameShape<z.infer<typeof ToolListSchema>, Schemas['ToolList']>>,
];
