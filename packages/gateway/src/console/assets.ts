/**
 * The console's built files, read once into memory. Only plain file names with a known extension are
 * kept, and requests are answered by exact-name lookup in this table: no request path ever reaches the
 * filesystem, so there is nothing to traverse.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CONSOLE_CONTENT_TYPES } from '../constants.js';

export interface ConsoleAsset {
  body: string;
  contentType: string;
}

export type ConsoleAssets = ReadonlyMap<string, ConsoleAsset>;

const ASSET_NAME = /^[a-z0-9][a-z0-9-]*\.[a-z0-9]+$/;
const INDEX = 'index.html';

/**
 * Where the built console is: beside the bundle in a built gateway (`dist/console/`, copied there by
 * the build), or the console package's own `dist/` when the gateway runs from source (tests).
 */
export function defaultAssetsDirs(): string[] {
  return [
    fileURLToPath(new URL('./console/', import.meta.url)),
    fileURLToPath(new URL('../../../console/dist/', import.meta.url)),
  ];
}

/** The first directory of `dirs` that holds a built console, loaded; null when none does. */
export function loadConsoleAssets(dirs: string[]): ConsoleAssets | null {
  const dir = dirs.find((candidate) => existsSync(join(candidate, INDEX)));
  if (dir === undefined) return null;
  const assets = new Map<string, ConsoleAsset>();
  for (const name of readdirSync(dir)) {
    const contentType = CONSOLE_CONTENT_TYPES[extname(name)];
    if (!contentType || !ASSET_NAME.test(name)) continue;
    const path = join(dir, name);
    if (!statSync(path).isFile()) continue;
    assets.set(name, { body: readFileSync(path, 'utf8'), contentType });
  }
  return assets;
}

export const CONSOLE_INDEX = INDEX;
