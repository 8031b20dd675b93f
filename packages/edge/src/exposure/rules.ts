/**
 * The rules that turn what a config says into categories: capability → categories, tool name →
 * capabilities (for listed MCP tools and built-ins that declare none), MCP server → capabilities
 * (for servers whose tools were not listed). `--rules FILE` adds to these; its entries win.
 */
import { CATEGORIES, type Category, isCategory } from './categories.js';

export interface NameRule {
  /** A wildcard (`*`) over the name, case-insensitive. */
  match: string;
  capabilities: string[];
}

export interface ExposureRules {
  capabilities: Record<string, Category[]>;
  tool_names: NameRule[];
  mcp_servers: NameRule[];
}

export class RulesError extends Error {
  override readonly name = 'RulesError';
  constructor(readonly problems: string[]) {
    super(`the rules file has ${problems.length} problem(s): ${problems.join('; ')}`);
  }
}

export const DEFAULT_RULES: ExposureRules = {
  capabilities: {
    'web.read': ['untrusted_input'],
    'web.search': ['untrusted_input'],
    'web.browse': ['untrusted_input', 'external_communication'],
    'email.read': ['untrusted_input', 'sensitive_access'],
    'chat.read': ['untrusted_input', 'sensitive_access'],
    'issues.read': ['untrusted_input'],
    'tickets.read': ['untrusted_input', 'sensitive_access'],
    'input.untrusted': ['untrusted_input'],
    'files.read': ['sensitive_access'],
    'code.read': ['sensitive_access'],
    'db.read': ['sensitive_access'],
    'crm.read': ['sensitive_access'],
    'secrets.read': ['sensitive_access'],
    'memory.read': ['sensitive_access'],
    'payments.read': ['sensitive_access'],
    'http.request': ['external_communication'],
    'web.post': ['external_communication'],
    'email.send': ['external_communication', 'critical_action'],
    'chat.send': ['external_communication', 'critical_action'],
    'webhook.send': ['external_communication'],
    'issues.write': ['external_communication', 'critical_action'],
    'git.push': ['external_communication', 'critical_action'],
    'files.write': ['critical_action'],
    'files.delete': ['critical_action'],
    'shell.exec': ['critical_action', 'sensitive_access', 'external_communication'],
    'code.execute': ['critical_action'],
    'db.write': ['critical_action'],
    'crm.write': ['critical_action'],
    'memory.write': ['critical_action'],
    'payments.*': ['sensitive_access', 'critical_action'],
    'deploy.*': ['critical_action'],
    'infra.*': ['critical_action'],
    'permissions.*': ['critical_action'],
  },
  tool_names: [
    { match: '*fetch*', capabilities: ['web.read', 'http.request'] },
    { match: '*browse*', capabilities: ['web.browse'] },
    { match: '*navigate*', capabilities: ['web.browse'] },
    { match: '*search_web*', capabilities: ['web.search'] },
    { match: '*web_search*', capabilities: ['web.search'] },
    { match: '*send*', capabilities: ['http.request', 'email.send'] },
    { match: '*post*', capabilities: ['web.post'] },
    { match: '*exec*', capabilities: ['shell.exec'] },
    { match: '*shell*', capabilities: ['shell.exec'] },
    { match: '*run_command*', capabilities: ['shell.exec'] },
    { match: '*delete*', capabilities: ['files.delete'] },
    { match: '*write*', capabilities: ['files.write'] },
    { match: '*edit*', capabilities: ['files.write'] },
    { match: '*move*', capabilities: ['files.write'] },
    { match: '*create*', capabilities: ['files.write'] },
    { match: '*read*', capabilities: ['files.read'] },
    { match: '*secret*', capabilities: ['secrets.read'] },
    { match: '*query*', capabilities: ['db.read'] },
  ],
  mcp_servers: [
    { match: '*server-filesystem*', capabilities: ['files.read', 'files.write'] },
    { match: '*server-fetch*', capabilities: ['web.read', 'http.request'] },
    { match: '*mcp-server-fetch*', capabilities: ['web.read', 'http.request'] },
    { match: '*server-github*', capabilities: ['issues.read', 'code.read', 'issues.write', 'git.push'] },
    { match: '*github-mcp-server*', capabilities: ['issues.read', 'code.read', 'issues.write', 'git.push'] },
    {
      match: '*api.githubcopilot.com/mcp*',
      capabilities: ['issues.read', 'code.read', 'issues.write', 'git.push'],
    },
    { match: '*server-slack*', capabilities: ['chat.read', 'chat.send'] },
    { match: '*server-postgres*', capabilities: ['db.read'] },
    { match: '*server-sqlite*', capabilities: ['db.read', 'db.write'] },
    { match: '*mcp-server-git*', capabilities: ['code.read', 'files.write'] },
    { match: '*server-puppeteer*', capabilities: ['web.browse'] },
    { match: '*playwright/mcp*', capabilities: ['web.browse'] },
    { match: '*server-brave-search*', capabilities: ['web.search'] },
    { match: '*server-memory*', capabilities: ['memory.read', 'memory.write'] },
    { match: '*gmail*', capabilities: ['email.read', 'email.send'] },
    { match: '*stripe*', capabilities: ['payments.read', 'payments.write'] },
  ],
};

/** Checks a user rules file, reporting every problem by its path, and lays it over the defaults. */
export function mergeRules(base: ExposureRules, input: unknown): ExposureRules {
  const problems: string[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new RulesError(['the file must be a JSON object with capabilities, tool_names and/or mcp_servers']);
  }
  const record = input as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (!['capabilities', 'tool_names', 'mcp_servers'].includes(key)) {
      problems.push(`${key}: unknown key; use capabilities, tool_names or mcp_servers`);
    }
  }
  const capabilities: Record<string, Category[]> = { ...base.capabilities };
  if (record.capabilities !== undefined) {
    if (
      typeof record.capabilities !== 'object' ||
      record.capabilities === null ||
      Array.isArray(record.capabilities)
    ) {
      problems.push('capabilities: must be an object of capability → categories');
    } else {
      for (const [name, value] of Object.entries(record.capabilities)) {
        if (!Array.isArray(value) || !value.every(isCategory)) {
          problems.push(`capabilities.${name}: must be an array of ${CATEGORIES.join(', ')}`);
        } else {
          capabilities[name] = [...value];
        }
      }
    }
  }
  const names = (key: 'tool_names' | 'mcp_servers'): NameRule[] => {
    const value = record[key];
    if (value === undefined) return [];
    if (!Array.isArray(value)) {
      problems.push(`${key}: must be an array of {match, capabilities}`);
      return [];
    }
    const rules: NameRule[] = [];
    value.forEach((rule, index) => {
      const entry = rule as Partial<NameRule> | null;
      const okMatch = typeof entry?.match === 'string' && entry.match.length > 0;
      const okCaps =
        Array.isArray(entry?.capabilities) && entry.capabilities.every((c) => typeof c === 'string');
      if (!okMatch) problems.push(`${key}[${index}].match: must be a non-empty string`);
      if (!okCaps) problems.push(`${key}[${index}].capabilities: must be an array of capability names`);
      if (okMatch && okCaps)
        rules.push({ match: entry.match as string, capabilities: [...(entry.capabilities as string[])] });
    });
    return rules;
  };
  const toolNames = names('tool_names');
  const servers = names('mcp_servers');
  if (problems.length > 0) throw new RulesError(problems);
  return {
    capabilities,
    tool_names: [...toolNames, ...base.tool_names],
    mcp_servers: [...servers, ...base.mcp_servers],
  };
}
