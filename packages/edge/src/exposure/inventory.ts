/**
 * Reads every scanned file into agents and their tool surfaces. Which client wrote a file is told by
 * its path (`.cursor/mcp.json`, `.claude/settings.json`, …) and, failing that, by its shape. Reading
 * is all it does: nothing a config names is started here.
 */
import { basename, dirname, isAbsolute, normalize, relative, resolve } from 'node:path';
import { isAgentsFile, readAgentsFile } from './sources/agents-json.js';
import { builtinSurfaces, hookCoverage, isClaudeCodeSettings } from './sources/claude-code.js';
import { InventoryError } from './sources/errors.js';
import { isProxyConfig, readServers, type ServerContext } from './sources/mcp-servers.js';
import type { Agent, Surface } from './types.js';

export interface ScannedFile {
  path: string;
  json: unknown;
}

interface Draft {
  name: string;
  /** The name with its path made canonical: what finding ids are derived from. */
  key: string;
  sources: string[];
  surfaces: Surface[];
  claudeCode: boolean;
  settings: unknown[];
}

export function buildInventory(files: ScannedFile[], context: ServerContext): Agent[] {
  const drafts = new Map<string, Draft>();
  // Names carry the folder as typed (`./ws`, `ws`, `/abs/ws`); one folder is one agent and one id.
  const draft = (named: Named, source: string, claudeCode = false): Draft => {
    const [name, key] = named;
    let found = drafts.get(key);
    if (!found) {
      found = { name, key, sources: [], surfaces: [], claudeCode, settings: [] };
      drafts.set(key, found);
    }
    if (!found.sources.includes(source)) found.sources.push(source);
    found.claudeCode ||= claudeCode;
    return found;
  };
  const fromAgentsFiles: Agent[] = [];

  for (const { path, json } of files) {
    const problems: string[] = [];
    const servers = (name: Named, value: unknown, at: string, claudeCode = false): void => {
      draft(name, path, claudeCode).surfaces.push(...readServers(path, value, context, problems, at));
    };
    const unixPath = path.replaceAll('\\', '/');
    const record = (typeof json === 'object' && json !== null ? json : {}) as Record<string, unknown>;
    const shapeProblem = rootProblem(json);
    if (shapeProblem) {
      throw new InventoryError(path, [shapeProblem]);
    } else if (isAgentsFile(json)) {
      fromAgentsFiles.push(...readAgentsFile(path, json));
    } else if (basename(unixPath) === 'claude_desktop_config.json') {
      servers(fixed('claude-desktop'), record.mcpServers ?? {}, 'mcpServers');
    } else if (/(^|\/)\.cursor\/mcp\.json$/.test(unixPath)) {
      servers(inFolder('cursor', path, 2), record.mcpServers ?? {}, 'mcpServers');
    } else if (/(^|\/)\.vscode\/mcp\.json$/.test(unixPath)) {
      servers(inFolder('vscode', path, 2), record.servers ?? {}, 'servers');
    } else if (/(^|\/)\.mcp\.json$/.test(unixPath)) {
      servers(inFolder('claude-code', path, 1), record.mcpServers ?? {}, 'mcpServers', true);
    } else if (/(^|\/)\.claude\/settings(\.local)?\.json$/.test(unixPath)) {
      draft(inFolder('claude-code', path, 2), path, true).settings.push(json);
    } else if (basename(unixPath) === '.claude.json') {
      if (record.mcpServers !== undefined)
        servers(fixed('claude-code (user)'), record.mcpServers, 'mcpServers', true);
      const projects = (record.projects ?? {}) as Record<string, { mcpServers?: unknown }>;
      for (const [project, settings] of Object.entries(projects)) {
        if (settings?.mcpServers !== undefined) {
          servers(
            fixed(`claude-code (${project})`),
            settings.mcpServers,
            `projects.${project}.mcpServers`,
            true,
          );
        }
      }
    } else if (/(^|\/)\.codeium\/windsurf\/mcp_config\.json$/.test(unixPath)) {
      servers(fixed('windsurf'), record.mcpServers ?? {}, 'mcpServers');
    } else if (isProxyConfig(json)) {
      // The config `actpass mcp wrap` writes: every server in it is reached through the proxy.
      draft(ofFile('actpass-mcp-proxy', path), path).surfaces.push(
        ...readServers(path, record.servers, context, problems, 'servers', 'mcp-proxy'),
      );
    } else if (record.mcpServers !== undefined) {
      servers(ofFile('mcp-client', path), record.mcpServers, 'mcpServers');
    } else if (typeof record.mcp === 'object' && record.mcp !== null && 'servers' in record.mcp) {
      servers(ofFile('vscode', path), (record.mcp as { servers: unknown }).servers, 'mcp.servers');
    } else if (record.servers !== undefined) {
      servers(ofFile('mcp-client', path), record.servers, 'servers');
    } else if (isClaudeCodeSettings(json)) {
      draft(inFolder('claude-code', path, 1), path, true).settings.push(json);
    } else {
      problems.push(
        'not a known shape: expected agents.json ({agents: [...]}), an MCP client config (mcpServers, servers or mcp.servers) or Claude Code settings',
      );
    }
    if (problems.length > 0) throw new InventoryError(path, problems);
  }

  const agents = [...drafts.values()].map((d) => {
    if (!d.claudeCode) return { name: d.name, key: d.key, sources: d.sources, surfaces: d.surfaces };
    const coverage = hookCoverage(d.settings);
    const surfaces = d.surfaces.map((s) =>
      s.gate === null && s.kind === 'mcp-server' && coverage.coversServer(s.name)
        ? { ...s, gate: 'claude-code-hook' as const }
        : s,
    );
    const builtins = builtinSurfaces(`${d.sources[0]} (built-in tools)`, d.settings, coverage);
    return { name: d.name, key: d.key, sources: d.sources, surfaces: [...builtins, ...surfaces] };
  });
  return [...fromAgentsFiles, ...agents];
}

type Named = [name: string, key: string];

const fixed = (name: string): Named => [name, name];

/** `cursor (ws)`: the folder `levels` up from a file, as the user wrote it, and canonical for the key. */
function inFolder(client: string, path: string, levels: number): Named {
  let dir = path;
  for (let i = 0; i < levels; i++) dir = dirname(dir);
  return [`${client} (${normalize(dir)})`, `${client} (${canonical(dir)})`];
}

function ofFile(client: string, path: string): Named {
  return [`${client} (${path})`, `${client} (${canonical(path)})`];
}

/** The path relative to the working folder when inside it, absolute otherwise; `/` separators. */
function canonical(path: string): string {
  const absolute = resolve(path);
  const inside = relative(process.cwd(), absolute);
  const chosen = inside === '' ? '.' : inside.startsWith('..') || isAbsolute(inside) ? absolute : inside;
  return chosen.replaceAll('\\', '/');
}

const KNOWN_KEYS = ['mcpServers', 'servers', 'agents', 'mcp'];

/**
 * A config that cannot be what it looks like: a JSON array, or a top-level key one typo away from the
 * one a client reads (`mcpServer`, `MCPServers`, `server`) — a client would ignore it silently.
 */
function rootProblem(json: unknown): string | undefined {
  if (Array.isArray(json))
    return '(root): is a JSON array; an MCP client config is an object such as {"mcpServers": {"name": {"command": "…"}}} (VS Code: {"servers": {…}})';
  if (typeof json !== 'object' || json === null)
    return '(root): must be a JSON object such as {"mcpServers": {"name": {"command": "…"}}}';
  const keys = Object.keys(json);
  for (const key of keys) {
    // Dotted keys are editor settings (`chat.mcp.discovery.enabled`), another namespace.
    if (KNOWN_KEYS.includes(key) || key.includes('.')) continue;
    const meant = KNOWN_KEYS.find((known) => !keys.includes(known) && nearMiss(key, known));
    if (meant)
      return `${key}: unknown top-level key; did you mean "${meant}"? Rename it, or MCP clients will not see these servers`;
  }
  return undefined;
}

function nearMiss(key: string, known: string): boolean {
  const a = key.toLowerCase().replace(/[-_ ]/g, '');
  const b = known.toLowerCase();
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 2 || b.length < 5) return false;
  return editDistance(a, b) <= 2;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}
