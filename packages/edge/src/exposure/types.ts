import type { ToolFinding } from '../inspect/index.js';
import type { Category } from './categories.js';

/** How a tool surface reaches ActPass, when it does. */
export type Gate = 'mcp-proxy' | 'rest-proxy' | 'guard' | 'claude-code-hook';

export const GATES: readonly Gate[] = ['mcp-proxy', 'rest-proxy', 'guard', 'claude-code-hook'];

/** MCP tool annotations that say something about risk (MCP 2025-03-26 and later). */
export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  openWorldHint?: boolean;
}

/**
 * One way an agent can act: a declared tool, a whole MCP server whose tools were not listed, one
 * listed MCP tool, or a coding agent's built-in tool.
 */
export interface Surface {
  kind: 'tool' | 'mcp-server' | 'mcp-tool' | 'builtin';
  name: string;
  /** Where it was declared: `file` or `file#server`. */
  source: string;
  /** Capability names (`web.read`, `files.write`, …) as declared or inferred by the rules. */
  capabilities: string[];
  annotations?: ToolAnnotations;
  gate: Gate | null;
  /** Names (never values) of environment variables or headers that look like credentials. */
  ownCredentials: string[];
  /** For MCP servers: how to reach it, kept for `--list-tools`; never printed with env values. */
  launch?: McpLaunch;
  /** For listed MCP tools: what inspecting the tool's definition found. */
  inspection?: ToolFinding[];
}

export type McpLaunch =
  | { transport: 'stdio'; command: string; args: string[]; env: Record<string, string> }
  | { transport: 'http'; url: string; headers: Record<string, string> };

export interface Agent {
  name: string;
  /** The name with any path in it made canonical; finding ids derive from it (defaults to the name). */
  key?: string;
  sources: string[];
  surfaces: Surface[];
}

export interface ClassifiedSurface extends Surface {
  categories: Category[];
}

export interface ClassifiedAgent extends Omit<Agent, 'surfaces'> {
  surfaces: ClassifiedSurface[];
}

export type FindingKind =
  | 'lethal_trifecta'
  | 'red_blue_mix'
  | 'ungated_surface'
  | 'unclassified_surface'
  | 'suspicious_tool';

export type Severity = 'high' | 'medium' | 'info';

export interface Finding {
  /** Stable across runs and machines for the same agent and subject: what a baseline records. */
  id: string;
  kind: FindingKind;
  severity: Severity;
  agent: string;
  summary: string;
  /** The surfaces that make the finding, by name. */
  surfaces: string[];
  /** True unless a baseline lists the finding's id. */
  new: boolean;
}

export interface ExposureReport {
  format: 'actpass.exposure/v1';
  scanned: string[];
  agents: ClassifiedAgent[];
  findings: Finding[];
}
