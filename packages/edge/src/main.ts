/**
 * The `actpass-edge` executable: the edge's commands alone, for a machine that enforces (a hook on a
 * developer's laptop, a proxy beside an agent) without installing the gateway's stores. The shebang
 * is added by tsup. `actpass` (from `@actpass/gateway`) runs the same commands beside the gateway's.
 */
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, UsageError } from './cli/errors.js';
import { type Output, stdio } from './cli/io.js';
import { clean } from './cli/terminal.js';

declare const __ACTPASS_VERSION__: string | undefined;
const version = typeof __ACTPASS_VERSION__ === 'string' ? __ACTPASS_VERSION__ : 'dev';

type Command = (argv: string[], io: Output) => number | Promise<number>;

// Each command is loaded when it runs, so a hook call never loads the MCP SDK or the proxies.
const COMMANDS: Record<string, Command> = {
  'hook claude-code': async (argv, io) => (await import('./cli/hook.js')).hookClaudeCode(argv, io),
  'hook cursor': async (argv, io) => (await import('./cli/hook-agents.js')).hookCursor(argv, io),
  'hook gemini': async (argv, io) => (await import('./cli/hook-agents.js')).hookGemini(argv, io),
  proxy: async (argv, io) => (await import('./cli/proxy.js')).proxy(argv, io),
  'mcp serve': async (argv, io) => (await import('./cli/mcp.js')).mcpServe(argv, io),
  'mcp wrap': async (argv, io) => (await import('./cli/mcp.js')).mcpWrap(argv, io),
  exposure: async (argv, io) => (await import('./cli/exposure.js')).exposure(argv, io),
  'egress check': async (argv, io) => (await import('./cli/egress.js')).egressCheck(argv, io),
};

const USAGE = `usage: actpass-edge <command> [flags]

  hook claude-code   answer one Claude Code PreToolUse payload on stdin
  hook cursor        answer one Cursor hook payload (shell, MCP, file read) on stdin
  hook gemini        answer one Gemini CLI BeforeTool payload on stdin
  proxy              serve the enforcing REST proxy (--config proxy.yaml)
  mcp serve          serve the enforcing MCP proxy (--config mcp-proxy.yaml)
  mcp wrap           point MCP client configs at the proxy
  exposure           inventory agents, tools and their reach
  egress check       prove from the agent's host that upstreams are reachable only through the proxy

Every command is also \`actpass <command>\`; \`actpass help <command>\` describes its flags.`;

async function main(argv: string[], io: Output): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === '--help' || first === '-h' || first === 'help') {
    io.out(USAGE);
    return first === undefined ? EXIT_USAGE : EXIT_OK;
  }
  if (first === '--version' || first === '-v') {
    io.out(version);
    return EXIT_OK;
  }
  const twoWords = `${first} ${second ?? ''}`;
  const name = COMMANDS[twoWords] ? twoWords : first;
  const command = COMMANDS[name];
  try {
    if (!command) throw new UsageError(`unknown command "${clean(first)}"; see \`actpass-edge --help\`.`);
    return await command(argv.slice(name.split(' ').length), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`actpass-edge: ${error.message}`);
      return EXIT_USAGE;
    }
    io.err(`actpass-edge: ${clean((error as Error).message ?? String(error))}`);
    return EXIT_PROBLEMS;
  }
}

main(process.argv.slice(2), stdio).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`actpass-edge: ${String(error)}\n`);
    process.exitCode = 2;
  },
);
