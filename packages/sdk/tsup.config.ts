import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    canonical: 'src/canonical/index.ts',
    // Framework adapters: optional subpath exports; the frameworks stay external peer dependencies.
    ai: 'src/adapters/ai.ts',
    'openai-agents': 'src/adapters/openai-agents.ts',
    langchain: 'src/adapters/langchain.ts',
    mcp: 'src/adapters/mcp.ts',
  },
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  // Edge runtimes and browsers: the bundle must not assume Node (checked by test/packaging).
  platform: 'neutral',
  target: 'es2022',
  treeshake: true,
  splitting: false,
});
