/**
 * Exposure scan: inventories every tool surface an agent has (declared in agents.json or found in MCP
 * client configs), classifies it, and reports the lethal trifecta, red+blue mixes and every surface
 * that does not go through ActPass. Reading configs runs nothing; only `expandMcpServers` starts servers.
 */
import { findExposures } from './analyze.js';
import { markNew } from './baseline.js';
import { classifyAgents } from './classify.js';
import { buildInventory, type ScannedFile } from './inventory.js';
import type { ExposureRules } from './rules.js';
import type { Agent, ExposureReport } from './types.js';

export { type Baseline, BaselineError, readBaseline, toBaseline } from './baseline.js';
export { CATEGORIES, type Category } from './categories.js';
export type { ScannedFile } from './inventory.js';
export { buildInventory } from './inventory.js';
export { expandMcpServers, type ListToolsOptions } from './list-tools.js';
export { toJson, toMarkdown } from './render.js';
export { DEFAULT_RULES, type ExposureRules, mergeRules, RulesError } from './rules.js';
export { InventoryError } from './sources/errors.js';
export { originOf } from './sources/mcp-servers.js';
export type { Agent, ExposureReport, Finding, Surface } from './types.js';

export interface ScanOptions {
  rules: ExposureRules;
  /** Origins of the ActPass MCP proxy, so HTTP servers reached through it count as gated. */
  proxyOrigins?: string[];
  /** Finding ids already accepted (from a baseline). */
  accepted?: Set<string>;
}

export function scanExposure(files: ScannedFile[], options: ScanOptions): ExposureReport {
  return reportFor(
    files.map((f) => f.path),
    buildInventory(files, { proxyOrigins: options.proxyOrigins ?? [] }),
    options,
  );
}

/** Builds the report from an inventory (after `--list-tools` has expanded its MCP servers, say). */
export function reportFor(scanned: string[], agents: Agent[], options: ScanOptions): ExposureReport {
  const classified = classifyAgents(agents, options.rules);
  const findings = markNew(findExposures(classified), options.accepted ?? new Set());
  return { format: 'actpass.exposure/v1', scanned, agents: classified, findings };
}
