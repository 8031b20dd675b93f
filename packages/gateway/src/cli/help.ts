/**
 * `--help` for every command, built once here from the usage text instead of in each command: any
 * command the dispatcher knows answers `actpass <command> --help` (and `actpass help <command>`) with
 * its own usage lines and exit 0, including commands added later, as long as they are in USAGE.
 */
import { USAGE } from './usage.js';

const HELP_FLAGS: ReadonlySet<string> = new Set(['--help', '-h']);
const ENTRY = /^ {2}actpass (\S+(?: [a-z][a-z-]*)?)/;

/** True when the arguments ask for help (flags after `--` are operands, not requests for help). */
export function wantsHelp(argv: readonly string[]): boolean {
  return hasFlag(argv, HELP_FLAGS);
}

/** True when the arguments ask for JSON output, so that an error is JSON too. */
export function wantsJson(argv: readonly string[]): boolean {
  return hasFlag(argv, JSON_FLAGS);
}

const JSON_FLAGS: ReadonlySet<string> = new Set(['--json', '--json=true']);

function hasFlag(argv: readonly string[], names: ReadonlySet<string>): boolean {
  for (const arg of argv) {
    if (arg === '--') return false;
    if (names.has(arg)) return true;
  }
  return false;
}

/**
 * The usage lines for `name` (`policy simulate`), or for every command of a group (`policy`); the whole
 * usage when the text has no entry for it.
 */
export function helpFor(name: string): string {
  const lines = USAGE.split('\n');
  const picked: string[] = [];
  let taking = false;
  for (const line of lines) {
    const entry = ENTRY.exec(line);
    if (entry) {
      const words = line.trim().split(/\s+/).slice(1);
      taking = startsWithWords(words, name.split(' '));
    } else if (!line.startsWith('      ')) {
      taking = false;
    }
    if (taking) picked.push(line);
  }
  if (picked.length === 0) return USAGE;
  const exitCodes = lines.find((line) => line.startsWith('Exit codes:'));
  const details = COMMAND_HELP[name];
  return [
    'Usage:',
    ...picked,
    ...(details ? ['', ...describeFlags(details), '', 'Example:', `  ${details.example}`] : []),
    ...(exitCodes ? ['', exitCodes] : []),
  ].join('\n');
}

interface CommandHelp {
  /** Each flag (as typed) and what it does. */
  flags: readonly (readonly [string, string])[];
  /** One invocation that works as shown. */
  example: string;
}

function describeFlags(help: CommandHelp): string[] {
  if (help.flags.length === 0) return ['Flags: none besides --help.'];
  const width = Math.max(...help.flags.map(([flag]) => flag.length));
  return ['Flags:', ...help.flags.map(([flag, text]) => `  ${flag.padEnd(width)}  ${text}`)];
}

const SOURCE_FLAGS = [
  ['--dir DIR', 'read the state directory of a stopped `actpass dev` instead of a served gateway'],
  ['--tenant ID', 'with --dir: the tenant to read (default: the first)'],
] as const;
const JSON_FLAG = ['--json', 'print JSON (errors too: {"error": {...}} on stdout)'] as const;
const WINDOW_FLAGS = [
  ['--since TIME', 'start of the window: RFC 3339 or a span back from now (30m, 24h, 7d); default 24h'],
  ['--until TIME', 'end of the window (default: now)'],
] as const;

/** Per-command flags and an example, shown by `actpass <command> --help` under its usage lines. */
const COMMAND_HELP: Record<string, CommandHelp> = {
  suspend: {
    flags: [
      ['--reason TEXT', 'why (required; sealed in the ledger, plain text without control characters)'],
      [
        '--until TIME',
        'end by itself then: RFC 3339 or a span from now (30m, 2h, 1d); default: until resumed',
      ],
      ...SOURCE_FLAGS,
      JSON_FLAG,
    ],
    example:
      'ACTPASS_API_KEY=ak_dev_acme_admin_... actpass suspend agent support_agent --reason "refund loop"',
  },
  resume: {
    flags: [...SOURCE_FLAGS, JSON_FLAG],
    example: 'ACTPASS_API_KEY=ak_dev_acme_admin_... actpass resume sus_4mX0a9C2bQ7',
  },
  suspensions: {
    flags: [
      ['--all', 'resumed and expired suspensions too'],
      ['--limit N', 'at most N (default 100, at most 500)'],
      ...SOURCE_FLAGS,
      JSON_FLAG,
    ],
    example: 'ACTPASS_API_KEY=ak_dev_acme_admin_... actpass suspensions --all',
  },
  'passports revoke': {
    flags: [
      ['--reason TEXT', 'why, recorded in the ledger (default "revoked by an admin")'],
      ...SOURCE_FLAGS,
      JSON_FLAG,
    ],
    example:
      'ACTPASS_API_KEY=ak_dev_acme_admin_... actpass passports revoke ap_01J9Z8Q4M5 --reason "task cancelled"',
  },
  'webhooks list': {
    flags: [JSON_FLAG],
    example: 'ACTPASS_API_KEY=ak_dev_acme_admin_... actpass webhooks list',
  },
  'webhooks deliveries': {
    flags: [
      ['--status S', 'pending, delivered or dead (default: all)'],
      ['--webhook ID', 'only this endpoint'],
      ['--limit N', 'at most N deliveries (default 100, at most 500)'],
      JSON_FLAG,
    ],
    example: 'ACTPASS_API_KEY=ak_dev_acme_admin_... actpass webhooks deliveries --status dead',
  },
  'webhooks retry': {
    flags: [JSON_FLAG],
    example: 'ACTPASS_API_KEY=ak_dev_acme_admin_... actpass webhooks retry whd_4mX0a9C2bQ7',
  },
  dev: {
    flags: [
      [
        '--host H',
        'address to listen on (default 127.0.0.1; anything else warns: the dev keys would be exposed)',
      ],
      ['--port N', 'port to listen on (default 8787)'],
      ['--dir DIR', 'state directory: ledger, keys, signing and vault keys (default ./.actpass)'],
      ['--database-url URL', 'keep the state in PostgreSQL instead of files'],
      ['--log-format F', 'request log as text (default) or json'],
      ['--quiet', 'no request log'],
      ['--metrics-port N', 'serve Prometheus metrics at GET /metrics on this port (off by default)'],
      ['--metrics-host H', 'address of the metrics listener (default 127.0.0.1)'],
      [
        '--webhooks FILE',
        'webhook endpoints (JSON: {"endpoints": [...], "consoleUrl"}); see docs/notifications.md',
      ],
      ['--oidc-issuer URL', 'people sign in through this OpenID provider (see docs/sign-in.md)'],
      ['--oidc-client-id ID', "this gateway's client id at the provider"],
      [
        '--oidc-redirect-uri URL',
        "this gateway's .../api/v1/auth/oidc/callback URL, registered at the provider",
      ],
      ['--oidc-approver-groups G,…', 'claim values that grant approver'],
      ['--oidc-admin-groups G,…', 'claim values that grant admin'],
      ['--oidc-role-claim C', 'the claim holding them (default groups; a dotted path reaches into objects)'],
      ['--oidc-name N', 'shown on the console\'s "Sign in with N" button (default the issuer\'s host)'],
      ['--oidc-scopes S', 'scopes asked for (default "openid profile email")'],
      ['--oidc-tenant T', 'the tenant people act in (default the first)'],
      ['--oidc-session-ttl SECONDS', 'how long a session lasts (default 28800, at most 86400)'],
      JSON_FLAG,
    ],
    example: 'actpass dev --port 8787',
  },
  'policy check': {
    flags: [JSON_FLAG],
    example: 'actpass policy check policy.json',
  },
  'policy test': {
    flags: [JSON_FLAG],
    example: 'actpass policy test policy.json cases.json',
  },
  'policy simulate': {
    flags: [
      ...WINDOW_FLAGS,
      ['--limit N', 'at most N recorded decisions (default 50)'],
      ['--after-seq N', 'start after this ledger sequence number'],
      ...SOURCE_FLAGS,
      JSON_FLAG,
    ],
    example: 'ACTPASS_API_KEY=ak_dev_acme_admin_... actpass policy simulate candidate.json --since 24h',
  },
  'ledger verify': {
    flags: [
      ['--jwks FILE', 'the public keys (GET /.well-known/jwks.json) to check the signature with'],
      JSON_FLAG,
    ],
    example: 'actpass ledger verify export.json --jwks jwks.json',
  },
  'ledger tail': {
    flags: [
      ['--limit N', 'how many of the newest events (default 20)'],
      ['--follow, -f', 'keep printing new events as they are appended'],
      ['--type T', 'only events of this type (decision, approval.requested, ...)'],
      ['--tool T', 'only events about this tool'],
      ['--decision D', 'only decisions with this value (allow, deny, ...)'],
      ['--agent-id A', "only this agent's events"],
      ['--since TIME', 'only events after this time'],
      ...SOURCE_FLAGS,
      JSON_FLAG,
    ],
    example: 'ACTPASS_API_KEY=ak_dev_acme_admin_... actpass ledger tail --limit 5 --type decision',
  },
  'ledger show': {
    flags: [...SOURCE_FLAGS, JSON_FLAG],
    example: 'ACTPASS_API_KEY=ak_dev_acme_admin_... actpass ledger show 42',
  },
  'approvals list': {
    flags: [
      ['--status S', 'pending (default), approved, denied, expired or used'],
      ['--all', 'every status'],
      ['--limit N', 'at most N requests (default 100)'],
      ...SOURCE_FLAGS,
      JSON_FLAG,
    ],
    example: 'ACTPASS_API_KEY=ak_dev_acme_approver_... actpass approvals list',
  },
  'approvals show': {
    flags: [...SOURCE_FLAGS, JSON_FLAG],
    example: 'ACTPASS_API_KEY=ak_dev_acme_approver_... actpass approvals show apr_01J9Z8Q4M5',
  },
  'approvals approve': {
    flags: [['--note TEXT', 'why, recorded in the ledger with the verdict'], ...SOURCE_FLAGS, JSON_FLAG],
    example:
      'ACTPASS_API_KEY=ak_dev_acme_approver_... actpass approvals approve apr_01J9Z8Q4M5 --note "customer verified"',
  },
  'approvals deny': {
    flags: [['--note TEXT', 'why, recorded in the ledger with the verdict'], ...SOURCE_FLAGS, JSON_FLAG],
    example:
      'ACTPASS_API_KEY=ak_dev_acme_approver_... actpass approvals deny apr_01J9Z8Q4M5 --note "duplicate"',
  },
  'report rollout': {
    flags: [
      ...WINDOW_FLAGS,
      ['--bucket B', 'time bucket: minute, hour or day'],
      ['--top N', 'how many of the actions enforce would block to list (default 10)'],
      ...SOURCE_FLAGS,
      JSON_FLAG,
    ],
    example: 'ACTPASS_API_KEY=ak_dev_acme_admin_... actpass report rollout --since 1h',
  },
  'tools lock': {
    flags: [
      ['--out FILE', 'where to write the lock (default actpass.lock)'],
      ['--acknowledge-findings', 'pin tools whose descriptions have high findings, as they are'],
      JSON_FLAG,
    ],
    example: 'actpass tools lock tools.json --out actpass.lock',
  },
  'tools check': {
    flags: [['--lock FILE', 'the lock to compare with (default actpass.lock)'], JSON_FLAG],
    example: 'actpass tools check tools.json --lock actpass.lock',
  },
  exposure: {
    flags: [
      ['--rules FILE', 'your own capability rules for tools (see --print-rules)'],
      ['--print-rules', 'print the built-in rules as JSON and exit'],
      ['--proxy-url URL', 'the enforcing proxy: surfaces that go through it count as governed'],
      ['--baseline FILE', 'report only what is new since this baseline'],
      ['--write-baseline FILE', 'write the current findings as a baseline'],
      ['--list-tools', 'start each MCP server to ask for its tools (otherwise nothing is started)'],
      JSON_FLAG,
    ],
    example: 'actpass exposure ~/.cursor/mcp.json --proxy-url http://127.0.0.1:8788',
  },
  proxy: {
    flags: [
      ['--config FILE', 'the proxy configuration (routes, upstreams, tools)'],
      ['--host H', 'address to listen on'],
      ['--port N', 'port to listen on'],
      ['--check', 'validate the configuration and exit'],
      JSON_FLAG,
    ],
    example: 'ACTPASS_PROXY_KEY=ak_dev_acme_agent_... actpass proxy --config proxy.yaml --check',
  },
  'mcp serve': {
    flags: [
      ['--config FILE', 'the MCP proxy configuration'],
      ['--http', 'serve Streamable HTTP instead of stdio'],
      ['--host H', 'with --http: address to listen on'],
      ['--port N', 'with --http: port to listen on'],
    ],
    example: 'ACTPASS_API_KEY=ak_dev_acme_agent_... actpass mcp serve --config mcp-proxy.yaml',
  },
  'mcp wrap': {
    flags: [
      ['--write', 'rewrite the config file (default: print a diff)'],
      ['--proxy-config FILE', 'the MCP proxy configuration the wrapped servers use'],
      ['--command CMD', 'the command that starts the proxy (default actpass)'],
    ],
    example: 'actpass mcp wrap ~/.cursor/mcp.json --proxy-config mcp-proxy.yaml',
  },
  'hook claude-code': {
    flags: [
      ['--mode M', 'enforce (default) or monitor'],
      ['--goal G', 'the goal stated for every decision'],
      ['--deadline-ms N', 'how long to wait for a decision before failing closed'],
    ],
    example: 'actpass hook claude-code --mode monitor < payload.json',
  },
  'hook cursor': {
    flags: [
      ['--mode M', 'enforce (default) or monitor'],
      ['--goal G', 'the goal stated for every decision'],
      ['--deadline-ms N', 'how long to wait for a decision before failing closed'],
    ],
    example: 'actpass hook cursor < payload.json   (in .cursor/hooks.json)',
  },
  'hook gemini': {
    flags: [
      ['--mode M', 'enforce (default) or monitor'],
      ['--goal G', 'the goal stated for every decision'],
      ['--deadline-ms N', 'how long to wait for a decision before failing closed'],
    ],
    example: 'actpass hook gemini < payload.json   (BeforeTool in .gemini/settings.json)',
  },
  'egress check': {
    flags: [
      ['--config FILE', 'the REST proxy configuration (its upstreams must be unreachable directly)'],
      ['--mcp-config FILE', 'the MCP proxy configuration, checked the same way'],
      ['--proxy URL', 'the proxy that must be reachable'],
      ['--timeout-ms N', 'how long each probe waits'],
      JSON_FLAG,
    ],
    example: 'actpass egress check --config proxy.yaml --proxy http://127.0.0.1:8788',
  },
};

/** Commands with detailed help; a test holds this equal to the dispatcher's list. */
export function commandsWithHelp(): string[] {
  return Object.keys(COMMAND_HELP);
}

function startsWithWords(words: string[], prefix: string[]): boolean {
  return prefix.every((word, index) => words[index] === word);
}
