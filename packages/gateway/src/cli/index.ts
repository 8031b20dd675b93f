import { dev } from './dev.js';
import { EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, UsageError } from './errors.js';
import { exposure } from './exposure.js';
import { type Output, stdio } from './io.js';
import { ledgerVerify } from './ledger.js';
import { policyCheck, policyTest } from './policy.js';
import { proxy } from './proxy.js';
import { toolsCheck, toolsLock } from './tools.js';
import { USAGE } from './usage.js';

type Command = (argv: string[], io: Output) => number | Promise<number>;

const COMMANDS: Record<string, Command> = {
  dev,
  exposure,
  'policy check': policyCheck,
  'policy test': policyTest,
  'ledger verify': ledgerVerify,
  'tools lock': toolsLock,
  'tools check': toolsCheck,
  proxy,
};

/** Runs one CLI invocation and resolves its exit code; never throws for user mistakes. */
export async function runCli(argv: string[], io: Output = stdio, version = '0.0.0'): Promise<number> {
  const [first, second] = argv;
  if (first === undefined || first === 'help' || first === '--help' || first === '-h') {
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
    if (!command) {
      const group = Object.keys(COMMANDS).filter((known) => known.startsWith(`${first} `));
      const hint = group.length > 0 ? `; use ${group.map((g) => `\`actpass ${g}\``).join(' or ')}` : '';
      throw new UsageError(
        `unknown command "${[first, second].filter(Boolean).join(' ')}"${hint}; see \`actpass help\`.`,
      );
    }
    return await command(argv.slice(name.split(' ').length), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`actpass: ${error.message}`);
      return EXIT_USAGE;
    }
    // Not the user's invocation but the environment (a corrupt state file, a failing disk).
    io.err(`actpass: ${(error as Error).message ?? String(error)}`);
    return EXIT_PROBLEMS;
  }
}
