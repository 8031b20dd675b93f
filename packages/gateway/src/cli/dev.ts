/**
 * `actpass dev`: a local gateway with dev keys, state persisted under --dir. With --json it prints
 * exactly one line on stdout once listening, which test fixtures (the Python suite's among them) parse:
 *   {"ready":true,"url":…,"tenant_id":…,"keys":{"agent":…,"approver":…,"admin":…,"proxy":…},"jwks_url":…}
 * Everything else goes to stderr in that mode.
 */
import { CONSOLE_PATH, DEFAULT_HOST, DEFAULT_PORT, VAULT_KEY_ENV } from '../constants.js';
import { createDevGateway } from '../index.js';
import { createPostgresStores, DATABASE_URL_ENV } from '../store/postgres/index.js';
import { parseCommandArgs } from './args.js';
import { UsageError } from './errors.js';
import type { Output } from './io.js';

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
    },
    0,
  );
  const host = typeof flags.host === 'string' ? flags.host : DEFAULT_HOST;
  const port = parsePort(flags.port);
  const dir = typeof flags.dir === 'string' ? flags.dir : DEFAULT_DIR;
  const json = flags.json === true;
  const note = json ? io.err : io.out;

  // With a database, every store lives there, so processes started with the same --dir (keys, keyset,
  // vault key) and the same database act as one gateway behind a load balancer (docs/scaling.md).
  const databaseUrl =
    typeof flags['database-url'] === 'string' ? flags['database-url'] : process.env[DATABASE_URL_ENV];
  const shared = databaseUrl ? await createPostgresStores(databaseUrl) : undefined;
  const { gateway, keys, vaultKeySource, vaultKeyFile } = createDevGateway({
    dir,
    ...(shared ? { stores: shared } : {}),
  });
  const running = await gateway.listen({ host, port }).catch((error: NodeJS.ErrnoException) => {
    const hint = error.code === 'EADDRINUSE' ? `; pick another with --port (0 picks a free one)` : '';
    throw new UsageError(`cannot listen on ${host}:${port}: ${error.code ?? error.message}${hint}.`);
  });
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
      }),
    );
  } else {
    io.out(`ActPass dev gateway listening on ${running.url}`);
    io.out(`  tenant:   ${keys.tenantId}`);
    io.out(`  agent:    ${keys.agent}`);
    io.out(`  approver: ${keys.approver}`);
    io.out(`  admin:    ${keys.admin}`);
    if (keys.proxy) io.out(`  proxy:    ${keys.proxy}`);
    io.out(`  jwks:     ${jwksUrl}`);
    io.out(`  console:  ${consoleUrl} (sign in with the approver or admin key)`);
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
  await gateway.close();
  await shared?.close();
  return 0;
}

function parsePort(value: string | boolean | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (typeof value !== 'string' || !/^\d+$/.test(value) || port > 65535) {
    throw new UsageError(`--port: "${String(value)}" is not a port; give 0-65535 (0 picks a free port).`);
  }
  return port;
}
