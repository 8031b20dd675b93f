import { defineConfig } from 'vitest/config';
import { resultReporting } from '../../scripts/vitest-reporting.mjs';

// The quickstarts followed in projects outside the repository (scratch/): packing and installing take
// minutes, so this is its own step of scripts/test.sh rather than part of `pnpm -r run test`.
export default defineConfig({
  test: {
    include: ['scratch/**/*.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    fileParallelism: false,
    ...resultReporting('example-docs-check-scratch'),
  },
});
