/** `actpass exposure`: inventory every tool surface, report the trifecta and every ungated surface. */
import { existsSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import {
  BaselineError,
  buildInventory,
  DEFAULT_RULES,
  expandMcpServers,
  InventoryError,
  mergeRules,
  originOf,
  RulesError,
  readBaseline,
  reportFor,
  type ScannedFile,
  toBaseline,
  toJson,
  toMarkdown,
} from '../exposure/index.js';
import { stripJsonc } from '../exposure/jsonc.js';
import { escapeHiddenInJson } from '../inspect/index.js';
import { parseCommandArgs } from './args.js';
import { readYamlFile } from './config-file.js';
import { EXIT_OK, EXIT_PROBLEMS, UsageError } from './errors.js';
import { type Output, parseJsonText, readJsonFile, readTextFile } from './io.js';

/** Where MCP clients keep project-level configs; scanned when no file is named. */
const PROJECT_CONFIGS = [
  'agents.json',
  '.mcp.json',
  '.claude/settings.json',
  '.claude/settings.local.json',
  '.cursor/mcp.json',
  '.vscode/mcp.json',
];

const FLAGS = {
  rules: { type: 'string' },
  'proxy-url': { type: 'string' },
  baseline: { type: 'string' },
  'write-baseline': { type: 'string' },
  'print-rules': { type: 'boolean' },
  'list-tools': { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

/** How long one MCP server may take to start and list its tools under `--list-tools`. */
const LIST_TOOLS_TIMEOUT_MS = 15_000;

export async function exposure(argv: string[], io: Output): Promise<number> {
  const { positionals, flags } = parseCommandArgs('exposure', argv, FLAGS, Number.POSITIVE_INFINITY);
  const rules = typeof flags.rules === 'string' ? rulesFrom(flags.rules) : DEFAULT_RULES;
  if (flags['print-rules'] === true) {
    io.out(JSON.stringify(rules, null, 2));
    return EXIT_OK;
  }
  const paths = positionals.length > 0 ? positionals : PROJECT_CONFIGS.filter((p) => existsSync(p));
  if (paths.length === 0) {
    throw new UsageError(
      `exposure: no config found here (looked for ${PROJECT_CONFIGS.join(', ')}); name the files to scan, e.g. \`actpass exposure agents.json ~/.cursor/mcp.json\`.`,
    );
  }
  // MCP clients accept comments and trailing commas (VS Code's JSONC), so the scan does too.
  const files: ScannedFile[] = paths.map((path) => ({
    path,
    json: parseJsonText(stripJsonc(readTextFile(path, 'config')), path),
  }));
  const accepted = typeof flags.baseline === 'string' ? baselineFrom(flags.baseline) : new Set<string>();
  let agents = naming(() =>
    buildInventory(files, {
      proxyOrigins: proxyOrigins(flags['proxy-url']),
      readProxyConfig: proxyConfig,
    }),
  );
  if (flags['list-tools'] === true) {
    agents = await expandMcpServers(agents, {
      rules,
      timeoutMs: LIST_TOOLS_TIMEOUT_MS,
      onFailure: (server, reason) =>
        io.err(
          `exposure: could not list the tools of ${server} (${reason}); classified by its package instead`,
        ),
    });
  }
  const report = reportFor(paths, agents, { rules, accepted });
  if (typeof flags['write-baseline'] === 'string') {
    writeFileSync(flags['write-baseline'], `${JSON.stringify(toBaseline(report.findings), null, 2)}\n`);
  }
  // Server and tool names are someone else's: no invisible character reaches the terminal raw.
  io.out(
    flags.json === true
      ? escapeHiddenInJson(JSON.stringify(toJson(report), null, 2))
      : toMarkdown(report).trimEnd(),
  );
  // Info findings (an unclassified surface) inform; only new high and medium findings fail CI.
  const failing = report.findings.filter((f) => f.new && f.severity !== 'info');
  return failing.length > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

/**
 * The config behind an `actpass mcp serve --config FILE` entry (a relative FILE is read beside the
 * client config naming it). When it cannot be read here (another machine's path, say) the entry stays
 * one surface that goes through ActPass, as before the scan could look behind it.
 */
function proxyConfig(file: string, from: string): unknown {
  const path = isAbsolute(file) ? file : join(dirname(from), file);
  if (!existsSync(path)) return undefined;
  return readYamlFile(path, 'MCP proxy config');
}

function proxyOrigins(value: string | boolean | undefined): string[] {
  if (typeof value !== 'string') return [];
  return value.split(',').map((url) => {
    const origin = originOf(url.trim());
    if (!origin)
      throw new UsageError(
        `exposure: --proxy-url "${url.trim()}" is not a URL; give the MCP proxy's URL, e.g. http://127.0.0.1:8790/mcp.`,
      );
    return origin;
  });
}

function rulesFrom(file: string) {
  try {
    return mergeRules(DEFAULT_RULES, readJsonFile(file, 'rules file'));
  } catch (error) {
    if (error instanceof RulesError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

function baselineFrom(file: string): Set<string> {
  try {
    return readBaseline(readJsonFile(file, 'baseline'));
  } catch (error) {
    if (error instanceof BaselineError) throw new UsageError(`${file}: ${error.message}`);
    throw error;
  }
}

function naming<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof InventoryError) throw new UsageError(error.message);
    throw error;
  }
}
