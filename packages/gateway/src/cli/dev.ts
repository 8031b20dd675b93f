/**
 * `actpass dev`: a local gateway with dev keys, state persisted under --dir. With --json it prints
 * exactly one line on stdout once listening, which test fixtures (the Python suite's among them) parse:
 *   {"ready":true,"url":…,"tenant_id":…,"keys":{"agent":…,"approver":…,"admin":…,"proxy":…},"jwks_url":…}
 * Everything else goes to stderr in that mode.
 *
 * One line per request (time, request id, key id, method, path, status, decision/reason, ms) follows
 * the banner on stdout; `--log-format json` makes each a JSON object, `--quiet` turns them off. With
 * --json they go to stderr, and only when --log-format is given (fixtures do not drain stderr).
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Output } from '@actpass/edge/cli';
import { parseCommandArgs, UsageError } from '@actpass/edge/cli';
import { exporterFromEnv } from '@actpass/edge/tracing';
import { CONSOLE_PATH, DEFAULT_HOST, DEFAULT_PORT, VAULT_KEY_ENV } from '../constants.js';
import { PostgresSessionLabelStore } from '../flow/index.js';
import { formatRequestLog, type RequestLogFormat } from '../http/request-log.js';
import { createDevGateway } from '../index.js';
import { listenMetrics } from '../metrics/index.js';
import { readWebhooksFile, WebhooksFileError } from '../notifications/index.js';
import {
  createPostgresStores,
  DATABASE_URL_ENV,
  POSTGRES_SETTINGS_FLAGS,
  type PostgresSettings,
} from '../store/postgres/index.js';
import { OIDC_FLAG_OPTIONS, oidcFromFlags } from './oidc-flags.js';

const DEFAULT_DIR = './.actpass';

export async function dev(argv: string[], io: Output): Promise<number> {
  const { flags } = parseCommandArgs(
    'dev',
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      dir: { type: 'string' },
      json: { type: 'boolean' },
      'database-url': { type: 'string' },
      'log-format': { type: 'string' },
      quiet: { type: 'boolean' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      webhooks: { type: 'string' },
      ...OIDC_FLAG_OPTIONS,
      ...postgresFlagOptions(),
    },
    0,
  );
  const host = typeof flags.host === 'string' ? flags.host : DEFAULT_HOST;
  const port = parsePort(flags.port);
  const dir = typeof flags.dir === 'string' ? flags.dir : DEFAULT_DIR;
  const json = flags.json === true;
  const note = json ? io.err : io.out;
  const logFormat = parseLogFormat(flags['log-format']);
  // Off unless asked for: --metrics-port serves GET /metrics on its own listener (loopback by default).
  const metricsPort =
    flags['metrics-port'] === undefined ? null : parsePort(flags['metrics-port'], '--metrics-port');
  const metricsHost = typeof flags['metrics-host'] === 'string' ? flags['metrics-host'] : DEFAULT_HOST;
  // Spans go to an OpenTelemetry collector when the standard OTEL_EXPORTER_OTLP_* variables name one.
  const tracing = exporterFromEnv(process.env, {
    serviceName: 'actpass-gateway',
    onError: (message) => io.err(`actpass: ${message}`),
  });
  const logRequests = flags.quiet !== true && (!json || flags['log-format'] !== undefined);
  if (!isLoopback(host)) {
    io.err(
      `actpass: warning: --host ${host} is not a loopback address. Anyone who can reach it can use the gateway, and the dev keys (printed below, kept in ${dir}) grant every role: serve dev keys on loopback only.`,
    );
  }

  // With a database, every store lives there, so processes started with the same --dir (keys, keyset,
  // vault key) and the same database act as one gateway behind a load balancer (docs/scaling.md).
  const databaseUrl =
    typeof flags['database-url'] === 'string' ? flags['database-url'] : process.env[DATABASE_URL_ENV];
  const shared = databaseUrl
    ? await createPostgresStores({
        connectionString: databaseUrl,
        settings: postgresFlags(flags),
        // One line per failed try while the database is not up yet; the URL (and any password) never.
        onStartupRetry: ({ attempt, reason, delayMs }) =>
          io.err(`actpass: PostgreSQL not reachable (try ${attempt}: ${reason}); retrying in ${delayMs} ms`),
      }).catch((error: Error) => {
        throw new UsageError(`cannot start on PostgreSQL: ${error.message}`);
      })
    : undefined;
  // Webhook endpoints from a file; their messages link to this gateway's console unless it says otherwise.
  const webhooks = typeof flags.webhooks === 'string' ? loadWebhooks(flags.webhooks, host, port) : undefined;
  // People's sign-in through an OpenID provider; the client secret comes from ACTPASS_OIDC_CLIENT_SECRET.
  const oidc = oidcFromFlags(flags);
  const { gateway, keys, tenants, vaultKeySource, vaultKeyFile } = createDevGateway({
    dir,
    ...(shared ? { stores: shared, sessionLabels: new PostgresSessionLabelStore(shared.pool) } : {}),
    ...(logRequests ? { onRequest: (entry) => note(formatRequestLog(entry, logFormat)) } : {}),
    ...(metricsPort !== null ? { metrics: true } : {}),
    ...(tracing ? { tracing } : {}),
    ...(webhooks ? { webhooks } : {}),
    ...(oidc ? { oidc } : {}),
  });
  ignoreInGit(dir);
  const running = await gateway.listen({ host, port }).catch((error: NodeJS.ErrnoException) => {
    const hint = error.code === 'EADDRINUSE' ? `; pick another with --port (0 picks a free one)` : '';
    throw new UsageError(`cannot listen on ${host}:${port}: ${error.code ?? error.message}${hint}.`);
  });
  const metrics =
    metricsPort === null
      ? null
      : await listenMetrics(() => gateway.metrics() ?? '', { host: metricsHost, port: metricsPort }).catch(
          (error: NodeJS.ErrnoException) => {
            throw new UsageError(
              `cannot serve metrics on ${metricsHost}:${metricsPort}: ${error.code ?? error.message}; pick another --metrics-port.`,
            );
          },
        );
  const jwksUrl = `${running.url}/.well-known/jwks.json`;
  const consoleUrl = `${running.url}${CONSOLE_PATH}/`;

  if (vaultKeySource === 'generated' && vaultKeyFile) {
    note(
      `No ${VAULT_KEY_ENV} set: generated a vault key into ${vaultKeyFile} (dev only; set ${VAULT_KEY_ENV} in production).`,
    );
  } else if (vaultKeySource === 'file') {
    note(`Vault key: ${vaultKeyFile} (set ${VAULT_KEY_ENV} to use your own).`);
  }
  if (json) {
    io.out(
      JSON.stringify({
        ready: true,
        url: running.url,
        tenant_id: keys.tenantId,
        keys: {
          agent: keys.agent,
          approver: keys.approver,
          admin: keys.admin,
          ...(keys.proxy ? { proxy: keys.proxy } : {}),
        },
        jwks_url: jwksUrl,
        console_url: consoleUrl,
        ...(metrics ? { metrics_url: metrics.url } : {}),
      }),
    );
  } else {
    io.out(`ActPass dev gateway listening on ${running.url}`);
    for (const tenant of tenants) {
      io.out(`  tenant:   ${tenant.tenantId}`);
      io.out(`    agent:    ${tenant.agent}`);
      io.out(`    approver: ${tenant.approver}`);
      io.out(`    admin:    ${tenant.admin}`);
      if (tenant.proxy) io.out(`    proxy:    ${tenant.proxy}`);
    }
    io.out(`  jwks:     ${jwksUrl}`);
    if (metrics) io.out(`  metrics:  ${metrics.url}`);
    const signIn = oidc ? ` or through ${oidc.name ?? new URL(oidc.issuer).hostname}` : '';
    io.out(`  console:  ${consoleUrl} (sign in with the approver or admin key${signIn})`);
    io.out(
      shared
        ? `  state:    PostgreSQL (ledger and stores); ${dir} (keyset.json, dev-keys.json)`
        : `  state:    ${dir} (ledger, keyset.json, dev-keys.json)`,
    );
    io.out(`Try: export ACTPASS_BASE_URL=${running.url} ACTPASS_API_KEY=${keys.agent}`);
  }

  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await metrics?.close();
  await tracing?.close();
  await gateway.close();
  await shared?.close();
  return 0;
}

/** `--pg-pool-max N`, `--pg-statement-timeout-ms N`, …: one flag per PostgreSQL setting. */
function postgresFlagOptions(): Record<string, { type: 'string' }> {
  return Object.fromEntries(Object.values(POSTGRES_SETTINGS_FLAGS).map((flag) => [flag, { type: 'string' }]));
}

function postgresFlags(flags: Record<string, string | boolean | undefined>): Partial<PostgresSettings> {
  const settings: Partial<PostgresSettings> = {};
  for (const [name, flag] of Object.entries(POSTGRES_SETTINGS_FLAGS) as Array<
    [keyof PostgresSettings, string]
  >) {
    const value = flags[flag];
    if (value === undefined) continue;
    const number = Number(value);
    if (typeof value !== 'string' || !/^\d+$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
      throw new UsageError(`--${flag}: "${String(value)}" is not a positive whole number.`);
    }
    settings[name] = number;
  }
  return settings;
}

function parseLogFormat(value: string | boolean | undefined): RequestLogFormat {
  if (value === undefined || value === 'text' || value === 'json') return value ?? 'text';
  throw new UsageError(`--log-format: "${String(value)}" is not a format; give text or json.`);
}

const LOOPBACK = /^(?:localhost|127(?:\.\d{1,3}){3}|::1|\[::1\])$/i;

function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/** The state folder holds keys and the ledger: never commit it, whatever the project's .gitignore says. */
function ignoreInGit(dir: string): void {
  const file = join(dir, '.gitignore');
  if (!existsSync(file)) writeFileSync(file, '*\n');
}

function parsePort(value: string | boolean | undefined, flag = '--port'): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || port > 65535) {
    throw new UsageError(`${flag}: "${String(value)}" is not a port; give 0-65535 (0 picks a free port).`);
  }
  return port;
}

function loadWebhooks(file: string, host: string, port: number) {
  try {
    const config = readWebhooksFile(file);
    const own =
      port === 0 ? undefined : `http://${host.includes(':') ? `[${host}]` : host}:${port}${CONSOLE_PATH}/`;
    return { ...config, ...((config.consoleUrl ?? own) ? { consoleUrl: config.consoleUrl ?? own } : {}) };
  } catch (error) {
    if (error instanceof WebhooksFileError) throw new UsageError(`--webhooks: ${error.message}.`);
    throw error;
  }
}
