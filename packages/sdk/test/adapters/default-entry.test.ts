/**
 * The adapters are optional subpath exports: the default entry must not grow by them nor reach them.
 * Bundles the built default entry (as a consumer's bundler would) and the source entry, and checks the
 * size budget and that no adapter module or framework package is in either import graph.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const PKG = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
// esbuild comes with tsup (as in bench/run.mjs): no second copy in the lockfile.
const esbuild = createRequire(require.resolve('tsup'))('esbuild') as {
  build(options: Record<string, unknown>): Promise<{
    outputFiles: { contents: Uint8Array }[];
    metafile: { inputs: Record<string, unknown> };
  }>;
};

const BUDGET_MIN_GZIP = 15_000;
const FRAMEWORKS = [
  'ai',
  '@ai-sdk/',
  '@openai/',
  '@langchain/',
  '@mastra/',
  '@llamaindex/',
  'llamaindex',
  '@google/adk',
  '@modelcontextprotocol/',
  'openai',
];

async function bundle(entry: string) {
  const out = await esbuild.build({
    stdin: { contents: `export * from '${entry}';`, resolveDir: PKG, loader: 'ts' },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    write: false,
    metafile: true,
    logLevel: 'error',
  });
  const code = out.outputFiles[0]!.contents;
  return { gz: gzipSync(code, { level: 9 }).length, inputs: Object.keys(out.metafile.inputs) };
}

/** Bare specifiers a built file imports or requires. */
function bareImports(file: string): string[] {
  const code = readFileSync(`${PKG}/${file}`, 'utf8');
  const found = [...code.matchAll(/(?:from\s*|import\s*\(?\s*|require\(\s*)["']([^"'./][^"']*)["']/g)];
  return [...new Set(found.map((m) => m[1]!))].sort();
}

const isFramework = (path: string) =>
  FRAMEWORKS.some((name) => path === name || path.startsWith(name) || path.includes(`node_modules/${name}`));

beforeAll(() => {
  if (!existsSync(`${PKG}/dist/ai.js`)) execFileSync('pnpm', ['build'], { cwd: PKG, stdio: 'ignore' });
}, 120_000);

describe('the default entry, next to the framework adapters', () => {
  it('stays within 15 kB min+gzip and bundles no adapter or framework code', async () => {
    const built = await bundle('./dist/index.js');
    expect(built.gz).toBeLessThanOrEqual(BUDGET_MIN_GZIP);
    expect(built.inputs.filter(isFramework)).toEqual([]);
    expect(
      built.inputs.filter((path) =>
        /dist\/(ai|openai-agents|langchain|mcp|mastra|llamaindex|google-adk)\./.test(path),
      ),
    ).toEqual([]);
  });

  it('reaches no adapter module from src/index.ts', async () => {
    const source = await bundle('./src/index.ts');
    expect(source.inputs.some((path) => path.startsWith('src/'))).toBe(true);
    expect(source.inputs.filter((path) => path.includes('adapters/'))).toEqual([]);
    expect(source.inputs.filter(isFramework)).toEqual([]);
  });

  it('imports no framework package from the built ESM or CJS default entry', () => {
    for (const file of ['dist/index.js', 'dist/index.cjs', 'dist/canonical.js']) {
      expect(bareImports(file).filter(isFramework), file).toEqual([]);
    }
  });

  it('each adapter entry imports its framework and nothing of the others', () => {
    const expected: Record<string, string[]> = {
      'dist/ai.js': [],
      'dist/openai-agents.js': ['@openai/agents'],
      // The agent middleware validates with the tool's own schema checkers and answers a ToolMessage;
      // it never loads `langchain` itself (users of the tool wrapper need only @langchain/core).
      'dist/langchain.js': [
        '@langchain/core/messages',
        '@langchain/core/tools',
        '@langchain/core/utils/json_schema',
        '@langchain/core/utils/types',
      ],
      'dist/mcp.js': [],
      // The interceptor rebuilds each tool as a Mastra Tool: the one runtime import of @mastra/core.
      'dist/mastra.js': ['@mastra/core/tools'],
      // The LlamaIndex interceptor reads agents and tools by their shape: no runtime import at all.
      'dist/llamaindex.js': [],
      // The ADK interceptor is a callback ADK calls and reads ADK's objects by their shape: types only.
      'dist/google-adk.js': [],
    };
    for (const [file, frameworks] of Object.entries(expected)) {
      expect(bareImports(file).filter(isFramework), file).toEqual(frameworks);
    }
  });

  it('declares every framework as an optional peer dependency', () => {
    const manifest = JSON.parse(readFileSync(`${PKG}/package.json`, 'utf8'));
    for (const name of [
      'ai',
      '@openai/agents',
      '@langchain/core',
      'langchain',
      '@modelcontextprotocol/sdk',
      '@mastra/core',
      '@llamaindex/workflow',
      '@google/adk',
    ]) {
      expect(manifest.peerDependencies?.[name], name).toBeTypeOf('string');
      expect(manifest.peerDependenciesMeta?.[name], name).toEqual({ optional: true });
      expect(manifest.dependencies?.[name], name).toBeUndefined();
    }
  });
});
