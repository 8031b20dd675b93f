/**
 * `actpass proxy --config proxy.yaml`: the enforcing REST proxy in front of a served gateway. The
 * proxy's own key (role `proxy`) comes from the environment variable the config names (default
 * ACTPASS_PROXY_KEY), never from the file. `--check` validates the config and exits.
 */
import { constants } from '@actpass/sdk';
import { createRestProxy, ProxyConfigError, parseRestProxyConfig } from '../proxy/rest/index.js';
import { exporterFromEnv } from '../tracing/index.js';
import { parseCommandArgs } from './args.js';
import { readYamlFile } from './config-file.js';
import { EXIT_OK, EXIT_PROBLEMS, UsageError } from './errors.js';
import type { Output } from './io.js';

export async function proxy(argv: string[], io: Output): Promise<number> {
  const { flags } = parseCommandArgs(
    'proxy',
    argv,
    {
      config: { type: 'string' },
      host: { type: 'string' },
      port: { type: 'string' },
      check: { type: 'boolean' },
      json: { type: 'boolean' },
    },
    0,
  );
  const raw = readYamlFile(flags.config as string | undefined, 'proxy config');
  let config: ReturnType<typeof parseRestProxyConfig>;
  try {
    config = parseRestProxyConfig(raw);
  } catch (error) {
    if (!(error instanceof ProxyConfigError)) throw error;
    for (const problem of error.problems) io.err(`${flags.config}: ${problem}`);
    return EXIT_PROBLEMS;
  }
  if (flags.check === true) {
    io.out(`${flags.config}: ok (${config.upstreams.size} upstream(s))`);
    return EXIT_OK;
  }
  const { ENV_BASE_URL } = constants;
  const baseUrl = config.gateway.baseUrl ?? process.env[ENV_BASE_URL];
  if (!baseUrl) throw new UsageError(`no gateway: set gateway.base_url in the config or ${ENV_BASE_URL}.`);
  const proxyKey = process.env[config.gateway.apiKeyEnv];
  if (!proxyKey) {
    throw new UsageError(`no proxy key: set ${config.gateway.apiKeyEnv} to a key with the proxy role.`);
  }
  const log = (level: string) => (message: string, fields: Record<string, unknown>) =>
    io.err(JSON.stringify({ level, message, ...fields }));
  // Spans go to an OpenTelemetry collector when the standard OTEL_EXPORTER_OTLP_* variables name one.
  const tracing = exporterFromEnv(process.env, {
    serviceName: 'actpass-proxy',
    onError: (message) => io.err(`actpass: ${message}`),
  });
  const restProxy = createRestProxy(raw, {
    gateway: { proxyKey, baseUrl },
    logger: { info: log('info'), warn: log('warn') },
    ...(tracing ? { tracing } : {}),
  });
  const port = flags.port === undefined ? undefined : Number(flags.port);
  if (port !== undefined && (!/^\d+$/.test(String(flags.port)) || port > 65535)) {
    throw new UsageError(`--port: "${String(flags.port)}" is not a port; give 0-65535.`);
  }
  const running = await restProxy
    .listen({
      ...(typeof flags.host === 'string' ? { host: flags.host } : {}),
      ...(port !== undefined ? { port } : {}),
    })
    .catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot listen: ${error.code ?? error.message}; pick another --port.`);
    });
  io.out(
    flags.json === true
      ? JSON.stringify({ ready: true, url: running.url, upstreams: [...config.upstreams.keys()] })
      : `ActPass proxy listening on ${running.url} (upstreams: ${[...config.upstreams.keys()].join(', ')})`,
  );
  await new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await restProxy.close();
  await tracing?.close();
  return EXIT_OK;
}
