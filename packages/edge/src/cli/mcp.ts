/**
 * `actpass mcp serve --config mcp-proxy.yaml [--http]`: the enforcing MCP proxy over stdio (acting for
 * the agent key in ACTPASS_API_KEY; stdout is the protocol, logs go to stderr) or Streamable HTTP.
 * `actpass mcp wrap <mcp.json> [--write] [--proxy-config FILE]`: route every server of a Claude
 * Desktop / Cursor config through the proxy; prints a diff unless --write.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { constants } from '@actpass/sdk';
import {
  createMcpProxy,
  lineDiff,
  McpConfigError,
  parseMcpProxyConfig,
  wrapClientConfig,
} from '../proxy/mcp/index.js';
import { exporterFromEnv } from '../tracing/index.js';
import { parseCommandArgs } from './args.js';
import { readYamlFile } from './config-file.js';
import { EXIT_OK, EXIT_PROBLEMS, UsageError } from './errors.js';
import type { Output } from './io.js';

export async function mcpServe(argv: string[], io: Output): Promise<number> {
  const { flags } = parseCommandArgs(
    'mcp serve',
    argv,
    {
      config: { type: 'string' },
      http: { type: 'boolean' },
      host: { type: 'string' },
      port: { type: 'string' },
    },
    0,
  );
  const raw = readYamlFile(flags.config as string | undefined, 'MCP proxy config');
  let config: ReturnType<typeof parseMcpProxyConfig>;
  try {
    config = parseMcpProxyConfig(raw);
  } catch (error) {
    if (!(error instanceof McpConfigError)) throw error;
    for (const problem of error.problems) io.err(`${flags.config}: ${problem}`);
    return EXIT_PROBLEMS;
  }
  const baseUrl = config.gateway.baseUrl ?? process.env[constants.ENV_BASE_URL];
  if (!baseUrl)
    throw new UsageError(`no gateway: set gateway.base_url in the config or ${constants.ENV_BASE_URL}.`);
  const proxyKey = process.env[config.gateway.apiKeyEnv];
  if (!proxyKey)
    throw new UsageError(`no proxy key: set ${config.gateway.apiKeyEnv} to a key with the proxy role.`);
  const agentKey = process.env[config.agentKeyEnv];
  // Spans go to an OpenTelemetry collector when the standard OTEL_EXPORTER_OTLP_* variables name one.
  const tracing = exporterFromEnv(process.env, {
    serviceName: 'actpass-mcp-proxy',
    onError: (message) => io.err(`actpass: ${message}`),
  });
  const proxy = createMcpProxy(raw, {
    gateway: { proxyKey, baseUrl },
    ...(agentKey ? { agentKey } : {}),
    ...(tracing ? { tracing } : {}),
  });
  if (flags.http === true) {
    const port = flags.port === undefined ? 0 : Number(flags.port);
    const running = await proxy.listen({
      ...(typeof flags.host === 'string' ? { host: flags.host } : {}),
      port,
    });
    io.out(`ActPass MCP proxy listening on ${running.url}`);
  } else {
    if (!agentKey) io.err(`actpass: ${config.agentKeyEnv} is not set; every tool call will be refused.`);
    await proxy.serveStdio();
  }
  await new Promise<void>((done) => {
    process.once('SIGINT', () => done());
    process.once('SIGTERM', () => done());
    if (flags.http !== true) process.stdin.once('end', () => done());
  });
  await proxy.close();
  await tracing?.close();
  return EXIT_OK;
}

export function mcpWrap(argv: string[], io: Output): number {
  const { positionals, flags } = parseCommandArgs(
    'mcp wrap',
    argv,
    { write: { type: 'boolean' }, 'proxy-config': { type: 'string' }, command: { type: 'string' } },
    1,
  );
  const file = positionals[0];
  if (!file) throw new UsageError('mcp wrap: give the MCP client config, e.g. claude_desktop_config.json.');
  let before: string;
  try {
    before = readFileSync(file, 'utf8');
  } catch {
    throw new UsageError(`cannot read ${file}; check the path.`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(before);
  } catch (error) {
    throw new UsageError(`${file} is not valid JSON (${(error as Error).message}); fix the file.`);
  }
  const proxyConfig = resolve(
    typeof flags['proxy-config'] === 'string'
      ? flags['proxy-config']
      : join(dirname(file), 'actpass-mcp-proxy.json'),
  );
  let result: ReturnType<typeof wrapClientConfig>;
  try {
    result = wrapClientConfig(
      parsed,
      proxyConfig,
      typeof flags.command === 'string' ? flags.command : 'actpass',
    );
  } catch (error) {
    throw new UsageError(`${file}: ${(error as Error).message}`);
  }
  if (!result.proxy) {
    io.out(`${file}: every server already goes through ActPass; nothing to change.`);
    return EXIT_OK;
  }
  const after = `${JSON.stringify(result.client, null, 2)}\n`;
  const proxyText = `${JSON.stringify(result.proxy, null, 2)}\n`;
  if (flags.write !== true) {
    io.out(`--- ${file}\n+++ ${file} (wrapped)\n${lineDiff(before.trimEnd(), after.trimEnd())}`);
    io.out(
      `\nand a new ${proxyConfig} with the servers ${result.wrapped.join(', ')}; run again with --write.`,
    );
    return EXIT_OK;
  }
  if (existsSync(proxyConfig))
    throw new UsageError(`${proxyConfig} exists; pass --proxy-config to choose another file.`);
  writeFileSync(proxyConfig, proxyText, { mode: 0o600 });
  writeFileSync(file, after);
  io.out(`${file}: wrapped ${result.wrapped.join(', ')}; servers moved to ${proxyConfig}.`);
  return EXIT_OK;
}
