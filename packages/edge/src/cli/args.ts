import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';

export type FlagSpec = Record<string, { type: 'string' | 'boolean'; short?: string }>;

export interface ParsedArgs {
  positionals: string[];
  flags: Record<string, string | boolean | undefined>;
}

/** Strict parsing: an unknown flag or a missing flag value is a usage error naming the flag. */
export function parseCommandArgs(
  command: string,
  argv: string[],
  flags: FlagSpec,
  positionals: number,
): ParsedArgs {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: flags, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, '');
    throw new UsageError(`${command}: ${message}; see \`actpass help\`.`);
  }
  if (parsed.positionals.length > positionals) {
    const extra = parsed.positionals.slice(positionals).join(' ');
    throw new UsageError(`${command}: unexpected argument ${extra}; see \`actpass help\`.`);
  }
  return { positionals: parsed.positionals, flags: parsed.values as ParsedArgs['flags'] };
}
