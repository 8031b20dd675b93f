/**
 * `actpass egress check --config proxy.yaml [--mcp-config mcp-proxy.yaml] [--proxy URL]`: run where
 * the agent runs (its host or container). Exit 0: every upstream is unreachable directly and the proxy
 * is reachable; 1: a route around the proxy (or no proxy) was found; 2: the check could not run.
 */
import { checkEgress, type EgressReport, type EgressTarget } from '../egress/index.js';
import { McpConfigError, parseMcpProxyConfig } from '../proxy/mcp/config.js';
import { ProxyConfigError, parseRestProxyConfig } from '../proxy/rest/config.js';
import { parseCommandArgs } from './args.js';
import { readYamlFile } from './config-file.js';
import { EXIT_OK, EXIT_PROBLEMS, UsageError } from './errors.js';
import type { Output } from './io.js';
import { clean, safeJson, table } from './terminal.js';

const DEFAULT_TIMEOUT_MS = 3000;

export async function egressCheck(argv: string[], io: Output): Promise<number> {
  const { flags } = parseCommandArgs(
    'egress check',
    argv,
    {
      config: { type: 'string' },
      'mcp-config': { type: 'string' },
      proxy: { type: 'string' },
      'timeout-ms': { type: 'string' },
      json: { type: 'boolean' },
    },
    0,
  );
  const restFile = flags.config as string | undefined;
  const mcpFile = flags['mcp-config'] as string | undefined;
  if (!restFile && !mcpFile)
    throw new UsageError('egress check: give the REST proxy config with --config (and/or --mcp-config).');
  const targets: EgressTarget[] = [];
  let proxyUrl: URL | null = null;
  if (restFile) {
    const config = parsed(() => parseRestProxyConfig(readYamlFile(restFile, 'proxy config')), restFile);
    for (const upstream of config.upstreams.values())
      targets.push({ source: `rest:${upstream.name}`, url: upstream.baseUrl });
    // A proxy listening on every interface is reached on loopback from its own host; elsewhere, --proxy.
    const host = /^(0\.0\.0\.0|::|\[::\])$/.test(config.listen.host) ? '127.0.0.1' : config.listen.host;
    proxyUrl = new URL(`http://${host.includes(':') ? `[${host}]` : host}:${config.listen.port}`);
  }
  if (mcpFile) {
    const config = parsed(() => parseMcpProxyConfig(readYamlFile(mcpFile, 'MCP proxy config')), mcpFile);
    for (const server of config.servers)
      if (server.kind === 'http') targets.push({ source: `mcp:${server.name}`, url: server.url });
  }
  if (typeof flags.proxy === 'string') proxyUrl = httpUrl(flags.proxy, '--proxy');
  const timeoutMs = timeoutOf(flags['timeout-ms']);
  const report = await checkEgress({ targets, proxyUrl, timeoutMs });
  if (flags.json === true) io.out(safeJson(report));
  else io.out(render(report));
  return report.findings.length > 0 ? EXIT_PROBLEMS : EXIT_OK;
}

function parsed<T>(parse: () => T, file: string): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof ProxyConfigError || error instanceof McpConfigError)
      throw new UsageError(`${file}: ${error.problems.join('; ')}`);
    throw error;
  }
}

function httpUrl(value: string, flag: string): URL {
  try {
    const url = new URL(value);
    if (url.protocol === 'http:' || url.protocol === 'https:') return url;
  } catch {
    // fall through to the usage error
  }
  throw new UsageError(`${flag}: "${clean(value)}" is not an http(s) URL, e.g. http://actpass-proxy:8788.`);
}

function timeoutOf(value: unknown): number {
  if (value === undefined) return DEFAULT_TIMEOUT_MS;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100 || ms > 60_000)
    throw new UsageError(`--timeout-ms: "${clean(String(value))}" must be an integer from 100 to 60000.`);
  return ms;
}

function render(report: EgressReport): string {
  const rows = report.upstreams.map((u) => [
    u.source,
    u.url,
    u.probe.outcome === 'connected' ? 'REACHABLE (finding)' : `blocked (${u.probe.outcome})`,
    u.probe.detail,
  ]);
  if (report.proxy)
    rows.push([
      'proxy',
      report.proxy.url,
      report.proxy.probe.outcome === 'connected' ? 'reachable' : `UNREACHABLE (finding)`,
      report.proxy.probe.detail,
    ]);
  const lines = table(['source', 'address', 'from here', 'detail'], rows);
  for (const finding of report.findings) lines.push(`${finding.code}: ${clean(finding.message)}`);
  lines.push(
    report.findings.length === 0
      ? 'egress check: clean — no upstream is reachable around the proxy.'
      : `egress check: ${report.findings.length} finding(s).`,
  );
  return lines.join('\n');
}
