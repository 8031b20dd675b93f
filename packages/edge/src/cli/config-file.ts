import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { UsageError } from './errors.js';

/** Reads a YAML (or JSON, which is YAML) config file, or fails naming the file and what to fix. */
export function readYamlFile(file: string | undefined, what: string): unknown {
  if (!file) throw new UsageError(`missing ${what}: give its path with --config.`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a directory' : String(code);
    throw new UsageError(`cannot read ${what} ${file}: ${why}; check the path.`);
  }
  try {
    return parseYaml(text.replace(/^\uFEFF/, ''), { uniqueKeys: true, maxAliasCount: 0 });
  } catch (error) {
    throw new UsageError(
      `${file} is not valid YAML (${(error as Error).message.split('\n')[0]}); fix the file.`,
    );
  }
}
