/**
 * What inspecting a tool definition yields. Codes are stable (a policy, a test or a person can key on
 * them); severities say what happens: a `high` finding holds the tool until a person approves it with
 * the findings in front of them, `medium` and `low` inform.
 */

export const FINDING_CODES = [
  'hidden.tag_chars',
  'hidden.zero_width',
  'hidden.bidi',
  'name.confusable',
  'text.instruction_marker',
  'text.secret_reference',
  'text.cross_tool_reference',
  'text.oversized',
] as const;

export type FindingCode = (typeof FINDING_CODES)[number];

export type FindingSeverity = 'high' | 'medium' | 'low';

export interface ToolFinding {
  code: FindingCode;
  severity: FindingSeverity;
  /** Where in the definition: `name`, `description`, `input_schema.properties.path.description`, … */
  field: string;
  /** The surrounding text with every invisible or control character written as a visible escape. */
  excerpt: string;
  /**
   * What a reader would otherwise not see or not notice: the ASCII that tag characters spell, the
   * lookalike name spelt in ASCII, the phrase that matched. Safe to print: no raw invisible character.
   */
  decoded: string;
}

/** A tool definition as MCP lists it (camelCase) or as ActPass stores it (snake_case). */
export interface InspectableTool {
  name?: unknown;
  title?: unknown;
  description?: unknown;
  input_schema?: unknown;
  inputSchema?: unknown;
  output_schema?: unknown;
  outputSchema?: unknown;
  annotations?: unknown;
}

/** Another tool the agent can also see, for spotting a description that steers it. */
export interface CatalogTool {
  /** The server (or upstream) that serves it; tools of the inspected tool's own server are skipped. */
  server?: string;
  name: string;
}

export interface InspectOptions {
  /** The server the inspected tool comes from, so references to its own siblings are not findings. */
  server?: string;
  /** Every other tool the same agent can see (from other servers), for `text.cross_tool_reference`. */
  catalog?: readonly CatalogTool[];
  /** Longest description before `text.oversized` (default 2,000 characters). */
  maxDescriptionChars?: number;
}
