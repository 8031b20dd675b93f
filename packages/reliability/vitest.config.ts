import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { resultReporting } from '../../scripts/vitest-reporting.mjs';

export default defineConfig({
  resolve: {
    alias: {
      // The ledger properties import the gateway's ledger folder, which needs the SDK's canonical JSON:
      // read it from source so the property suite does not depend on a build.
      '@actpass/sdk/canonical': fileURLToPath(new URL('../sdk/src/canonical/index.ts', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    // These suites drive real processes over loopback on a shared machine: generous per-test budgets,
    // and one file at a time so the crash run's kill -9 does not starve the fault-proxy run.
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
    ...resultReporting('reliability'),
  },
});
