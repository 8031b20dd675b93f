/**
 * Splits a command's arguments into options and operands, knowing which options take a value, so the
 * value of `-o FILE` is not mistaken for an operand and `-qO-` reads as `-q -O -`.
 */
import type { Word } from '../shell/words.js';

export interface OptionSpec {
  /** Short option letters that take a value (`"oO"` for `-o FILE`, `-O FILE`). */
  short?: string;
  /** Long option names (without `--`) that take a value. */
  long?: readonly string[];
  /** Stop at the first operand (the rest belongs to a command being wrapped). */
  stopAtOperand?: boolean;
}

export interface ParsedOption {
  /** `-o` or `--output` (always with its dashes). */
  name: string;
  value: Word | null;
}

export interface ParsedArgs {
  options: ParsedOption[];
  operands: Word[];
  /** Arguments after the first operand when `stopAtOperand` is set (the first operand included). */
  rest: Word[];
}

const literal = (value: string): Word => ({ value, expands: false, substitutions: [] });

export function parseOptions(args: readonly Word[], spec: OptionSpec = {}): ParsedArgs {
  const options: ParsedOption[] = [];
  const operands: Word[] = [];
  const long = new Set(spec.long ?? []);
  const short = spec.short ?? '';
  for (let i = 0; i < args.length; i++) {
    const word = args[i] as Word;
    const text = word.value;
    if (text === null || text === '-' || !text.startsWith('-')) {
      if (spec.stopAtOperand) return { options, operands, rest: args.slice(i) };
      operands.push(word);
      continue;
    }
    if (text === '--') {
      const after = args.slice(i + 1);
      if (spec.stopAtOperand) return { options, operands, rest: after };
      operands.push(...after);
      break;
    }
    if (text.startsWith('--')) {
      const eq = text.indexOf('=');
      const name = eq === -1 ? text : text.slice(0, eq);
      if (eq !== -1) options.push({ name, value: literal(text.slice(eq + 1)) });
      else if (long.has(name.slice(2))) options.push({ name, value: args[++i] ?? null });
      else options.push({ name, value: null });
      continue;
    }
    for (let j = 1; j < text.length; j++) {
      const letter = text[j] as string;
      if (short.includes(letter)) {
        const attached = text.slice(j + 1);
        options.push({
          name: `-${letter}`,
          value: attached !== '' ? literal(attached) : (args[++i] ?? null),
        });
        break;
      }
      options.push({ name: `-${letter}`, value: null });
    }
  }
  return { options, operands, rest: [] };
}

export function has(parsed: ParsedArgs, ...names: string[]): boolean {
  return parsed.options.some((o) => names.includes(o.name));
}

export function valuesOf(parsed: ParsedArgs, ...names: string[]): Word[] {
  return parsed.options.filter((o) => names.includes(o.name) && o.value !== null).map((o) => o.value as Word);
}
