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

const ToolFindingSchema = z.object({
  code: z.enum([
    'hidden.tag_chars',
    'hidden.zero_width',
    'hidden.bidi',
    'name.confusable',
    'text.instruction_marker',
    'text.secret_reference',
    'text.cross_tool_reference',
    'text.oversized',
  ]),
  severity: z.enum(['high', 'medium', 'low']),
  field: z.string(),
  excerpt: z.string(),
  decoded: z.string(),
});

export const ApprovedToolSchema = z.object({
  name: z.string(),
  hash: Sha256Hex,
  definition: ToolDefinitionSchema,
  approved_at: Timestamp,
  findings: z.optional(z.array(ToolFindingSchema)),
  findings_acknowledged: z.optional(z.boolean()),
});

export const ToolListSchema = z.object({ items: z.array(ApprovedToolSchema) });

export type _ToolsInSync = [
  Assert<SameShape<z.infer<typeof ApprovedToolSchema>, Schemas['ApprovedTool']>>,
  Assert<SameShape<z.infer<typeof ToolListSchema>, Schemas['ToolList']>>,
];
