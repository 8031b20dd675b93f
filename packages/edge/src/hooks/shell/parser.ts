/**
 * The Bash parser behind the hook's shell facts: tree-sitter's Bash grammar, run by web-tree-sitter
 * (WebAssembly, no native build). Chosen over mvdan/sh compiled to WebAssembly (`sh-syntax`) because
 * it loads in about the same time but parses again in well under a millisecond, where `sh-syntax`
 * starts a fresh Go runtime for every parse (tens of milliseconds each) — and the hook parses again for
 * every `bash -c` string it meets. The grammar is loaded once per process, on first use.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Node, Parser as TreeSitterParser } from 'web-tree-sitter';

export type ShellNode = Node;

export interface ShellParser {
  /**
   * Parses `source` and hands the root to `read` (null when the parser gave up, which the caller treats
   * as opaque); the tree's WebAssembly memory is freed once `read` returns, so nodes must not escape it.
   */
  read<T>(source: string, read: (root: ShellNode | null) => T): T;
}

const GRAMMAR_FILE = 'tree-sitter-bash.wasm';

let loading: Promise<ShellParser> | undefined;

export function loadShellParser(): Promise<ShellParser> {
  loading ??= load().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}

async function load(): Promise<ShellParser> {
  const { Parser, Language } = await import('web-tree-sitter');
  await Parser.init();
  const bash = await Language.load(grammarPath());
  const parser: TreeSitterParser = new Parser();
  parser.setLanguage(bash);
  return {
    read(source, read) {
      const tree = parser.parse(source);
      try {
        return read(tree?.rootNode ?? null);
      } finally {
        tree?.delete();
      }
    },
  };
}

/**
 * The grammar ships inside this package's `dist/` (copied there by the build), so installing the edge
 * never installs tree-sitter-bash and its native build script; from source it comes from the package.
 */
function grammarPath(): string {
  // `__filename` exists in the CommonJS build; the ES module build has `import.meta.url`.
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  for (const candidate of [join(dirname(here), GRAMMAR_FILE), join(dirname(here), '..', GRAMMAR_FILE)]) {
    if (existsSync(candidate)) return candidate;
  }
  return createRequire(here).resolve(`tree-sitter-bash/${GRAMMAR_FILE}`);
}
