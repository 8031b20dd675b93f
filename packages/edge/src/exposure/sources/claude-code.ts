/**
 * Claude Code: its built-in tools are tool surfaces too, gated only when a `PreToolUse` hook runs
 * `actpass hook claude-code` for them. Tools denied outright in `permissions.deny` are left out.
 */
import type { Surface } from '../types.js';

/** Built-in tools and what each can do (Bash can do anything a shell can, curl included). */
const BUILTINS: Record<string, string[]> = {
  Bash: ['shell.exec'],
  Read: ['files.read'],
  Write: ['files.write'],
  Edit: ['files.write'],
  MultiEdit: ['files.write'],
  NotebookEdit: ['files.write'],
  WebFetch: ['web.read', 'http.request'],
  WebSearch: ['web.search'],
};

export interface HookCoverage {
  /** Does the ActPass hook run before a call of this tool (`Bash`, `mcp__server__tool`)? */
  covers(toolName: string): boolean;
  /** Does it run before every tool of this MCP server (`mcp__<server>__…`)? */
  coversServer(server: string): boolean;
}

export function isClaudeCodeSettings(json: unknown): boolean {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return false;
  return ['hooks', 'permissions', 'enabledMcpjsonServers', 'enableAllProjectMcpServers'].some(
    (k) => k in json,
  );
}

export function builtinSurfaces(source: string, settings: unknown[], coverage: HookCoverage): Surface[] {
  const denied = new Set(settings.flatMap(deniedTools));
  return Object.entries(BUILTINS)
    .filter(([name]) => !denied.has(name))
    .map(([name, capabilities]) => ({
      kind: 'builtin' as const,
      name,
      source,
      capabilities,
      gate: coverage.covers(name) ? ('claude-code-hook' as const) : null,
      ownCredentials: [],
    }));
}

/** Which tools the ActPass `PreToolUse` hooks in these settings files cover. */
export function hookCoverage(settings: unknown[]): HookCoverage {
  const matchers: string[] = [];
  for (const file of settings) {
    const entries = (file as { hooks?: { PreToolUse?: unknown } }).hooks?.PreToolUse;
    if (!Array.isArray(entries)) continue;
    for (const entry of entries) {
      const { matcher, hooks } = entry as { matcher?: unknown; hooks?: unknown };
      if (!Array.isArray(hooks) || !hooks.some(runsActpassHook)) continue;
      matchers.push(typeof matcher === 'string' ? matcher : '');
    }
  }
  return {
    covers: (tool) => matchers.some((m) => matcherCovers(m, tool)),
    coversServer: (server) => matchers.some((m) => matcherCoversPrefix(m, `mcp__${server}__`)),
  };
}

function runsActpassHook(hook: unknown): boolean {
  const command = (hook as { command?: unknown }).command;
  return (
    typeof command === 'string' &&
    /\bhook\s+claude-code\b/.test(command) &&
    /actpass|gateway[/\\]dist[/\\]cli/.test(command)
  );
}

/**
 * Claude Code matchers are `|`-separated tool names, `*` or empty for every tool; an alternative
 * ending in `.*` (such as `mcp__.*`) is read as a prefix. Anything else is compared exactly, so an
 * unusual regular expression counts as not covering: the scan errs towards reporting a hole.
 */
function matcherCovers(matcher: string, tool: string): boolean {
  if (matcher === '' || matcher === '*' || matcher === '.*') return true;
  return matcher.split('|').some((alternative) => {
    const a = alternative.trim();
    if (a.endsWith('.*')) return tool.startsWith(a.slice(0, -2));
    return a === tool;
  });
}

function matcherCoversPrefix(matcher: string, prefix: string): boolean {
  if (matcher === '' || matcher === '*' || matcher === '.*') return true;
  return matcher.split('|').some((alternative) => {
    const a = alternative.trim();
    return a.endsWith('.*') && prefix.startsWith(a.slice(0, -2));
  });
}

function deniedTools(settings: unknown): string[] {
  const deny = (settings as { permissions?: { deny?: unknown } }).permissions?.deny;
  if (!Array.isArray(deny)) return [];
  // Only a bare tool name denies the whole tool; `Bash(rm:*)` denies some calls, not the surface.
  return deny.filter((rule): rule is string => typeof rule === 'string' && /^[A-Za-z]+$/.test(rule));
}
