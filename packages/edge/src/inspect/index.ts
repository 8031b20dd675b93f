/**
 * `@actpass/edge/inspect`: one inspection of tool definitions for every place a definition appears
 * (the gateway's approval, `tools lock/check`, `exposure --list-tools`, the MCP proxy's catalog).
 * Pure TypeScript with no Node built-ins and no dependencies, so the gateway and browsers can load it.
 */
export { escapeHiddenInJson, hasHidden, stripHidden, visible } from './characters.js';
export { hasHighFinding, inspectToolDefinition } from './inspect.js';
export { DESCRIPTION_MAX_CHARS } from './limits.js';
export {
  type CatalogTool,
  FINDING_CODES,
  type FindingCode,
  type FindingSeverity,
  type InspectableTool,
  type InspectOptions,
  type ToolFinding,
} from './types.js';
