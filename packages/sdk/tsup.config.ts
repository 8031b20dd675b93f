import { defineConfig } from 'tsup';

export default defineConfig({
  entry: {
    index: 'src/index.ts',
    canonical: 'src/canonical/index.ts',
    // Verifying webhook deliveries: receivers need no client, so it stays out of the default entry.
    webhooks: 'src/webhooks.ts',
    // Framework adapters: optional subpath exports; the frameworks stay external peer dependencies.
    ai: 'src/adapters/ai.ts',
    'openai-agents': 'src/adapters/openai-agents.ts',
    langchain: 'src/adapters/langchain.ts',
    mcp: 'src/adapters/mcp.ts',
    mastra: 'src/adapters/mastra.ts',
    llamaindex: 'src/adapters/llamaindex.ts',
    'google-adk': 'src/adapters/google-adk.ts',
  },
  format: ['esm', 'cjs'],
  // `@internal` members (the request loop, `_internals`) stay out of the published types.
  dts: { compilerOptions: { stripInternal: true } },
  clean: true,
  sourcemap: true,
  // Edge runtimes and browsers: the bundle must not assume Node (checked by test/packaging).
  platform: 'neutral',
  target: 'es2022',
  treeshake: true,
  splitting: false,
});
