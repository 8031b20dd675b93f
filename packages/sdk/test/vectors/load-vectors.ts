import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VECTORS_ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../../contract/vectors');

export interface VectorFile<T> {
  /** File name inside the kind's folder, e.g. `edge-cases.json`. */
  file: string;
  data: T;
}

/**
 * Every `*.json` under `packages/contract/vectors/<kind>/`, sorted by name. Vectors are never edited in
 * place, only added, so runners must pick up new files without being told about them.
 */
export function loadVectors<T>(kind: string): VectorFile<T>[] {
  const dir = join(VECTORS_ROOT, kind);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((file) => ({ file, data: JSON.parse(readFileSync(join(dir, file), 'utf8')) as T }));
}
