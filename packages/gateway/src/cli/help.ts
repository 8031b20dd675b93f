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
  for (const arg of argv) {
    if (arg === '--') return false;
    if (HELP_FLAGS.has(arg)) return true;
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
  return ['Usage:', ...picked, ...(exitCodes ? ['', exitCodes] : [])].join('\n');
}

function startsWithWords(words: string[], prefix: string[]): boolean {
  return prefix.every((word, index) => words[index] === word);
}
