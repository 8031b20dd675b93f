/**
 * Reads every scanned file into agents and their tool surfaces. Which client wrote a file is told by
 * its path (`.cursor/mcp.json`, `.claude/settings.json`, …) and, failing that, by its shape. Reading
 * is all it does: nothing a config names is started here.
 */
import { basename, dirname, normalize } from 'node:path';
import { isAgentsFile, readAgentsFile } from './sources/agents-json.js';
import { builtinSurfaces, hookCoverage, isClaudeCodeSettings } from './sources/claude-code.js';
import { InventoryError } from './sources/errors.js';
import { readServers, type ServerContext } from './sources/mcp-servers.js';
import type { Agent, Surface } from './types.js';

export interface ScannedFile {
  path: string;
  json: unknown;
}

interface Draft {
  name: string;
  sources: string[];
  surfaces: Surface[];
  claudeCode: boolean;
  settings: unknown[];
}

export function buildInventory(files: ScannedFile[], context: ServerContext): Agent[] {
  const drafts = new Map<string, Draft>();
  const draft = (name: string, source: string, claudeCode = false): Draft => {
    let found = drafts.get(name);
    if (!found) {
      found = { name, sources: [], surfaces: [], claudeCode, settings: [] };
      drafts.set(name, found);
    }
    if (!found.sources.includes(source)) found.sources.push(source);
    found.claudeCode ||= claudeCode;
    return found;
  };
  const fromAgentsFiles: Agent[] = [];

  for (const { path, json } of files) {
    const problems: string[] = [];
    const servers = (name: string, value: unknown, at: string, claudeCode = false): void => {
      draft(name, path, claudeCode).surfaces.push(...readServers(path, value, context, problems, at));
    };
    const unixPath = path.replaceAll('\\', '/');
    const record = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    if (isAgentsFile(json)) {
      fromAgentsFiles.push(...readAgentsFile(path, json));
    } else if (basename(unixPath) === 'claude_desktop_config.json') {
      servers('claude-desktop', record.mcpServers ?? {}, 'mcpServers');
    } else if (/(^|\/)\.cursor\/mcp\.json$/.test(unixPath)) {
      servers(`cursor (${folder(path, 2)})`, record.mcpServers ?? {}, 'mcpServers');
    } else if (/(^|\/)\.vscode\/mcp\.json$/.test(unixPath)) {
      servers(`vscode (${folder(path, 2)})`, record.servers ?? {}, 'servers');
    } else if (/(^|\/)\.mcp\.json$/.test(unixPath)) {
      servers(`claude-code (${folder(path, 1)})`, record.mcpServers ?? {}, 'mcpServers', true);
    } else if (/(^|\/)\.claude\/settings(\.local)?\.json$/.test(unixPath)) {
      draft(`claude-code (${folder(path, 2)})`, path, true).settings.push(json);
    } else if (basename(unixPath) === '.claude.json') {
      if (record.mcpServers !== undefined)
        servers('claude-code (user)', record.mcpServers, 'mcpServers', true);
      const projects = (record.projects ?? {}) as Record<string, { mcpServers?: unknown }>;
      for (const [project, settings] of Object.entries(projects)) {
        if (settings?.mcpServers !== undefined) {
          servers(`claude-code (${project})`, settings.mcpServers, `projects.${project}.mcpServers`, true);
        }
      }
    } else if (record.mcpServers !== undefined) {
      servers(`mcp-client (${path})`, record.mcpServers, 'mcpServers');
    } else if (typeof record.mcp === 'object' && record.mcp !== null && 'servers' in record.mcp) {
      servers(`vscode (${path})`, (record.mcp as { servers: unknown }).servers, 'mcp.servers');
    } else if (record.servers !== undefined) {
      servers(`mcp-client (${path})`, record.servers, 'servers');
    } else if (isClaudeCodeSettings(json)) {
      draft(`claude-code (${folder(path, 1)})`, path, true).settings.push(json);
    } else {
      problems.push(
        'not a known shape: expected agents.json ({agents: [...]}), an MCP client config (mcpServers, servers or mcp.servers) or Claude Code settings',
      );
    }
    if (problems.length > 0) throw new InventoryError(path, problems);
  }

  const agents = [...drafts.values()].map((d) => {
    if (!d.claudeCode) return { name: d.name, sources: d.sources, surfaces: d.surfaces };
    const coverage = hookCoverage(d.settings);
    const surfaces = d.surfaces.map((s) =>
      s.gate === null && s.kind === 'mcp-server' && coverage.coversServer(s.name)
        ? { ...s, gate: 'claude-code-hook' as const }
        : s,
    );
    const builtins = builtinSurfaces(`${d.sources[0]} (built-in tools)`, d.settings, coverage);
    return { name: d.name, sources: d.sources, surfaces: [...builtins, ...surfaces] };
  });
  return [...fromAgentsFiles, ...agents];
}

/** The folder `levels` up from a file, as the user wrote it (`.` for the current one). */
function folder(path: string, levels: number): string {
  let dir = path;
  for (let i = 0; i < levels; i++) dir = dirname(dir);
  return normalize(dir);
}
