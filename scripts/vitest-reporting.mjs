// Shared by every package's vitest config: when the test command sets ACTPASS_TEST_RESULTS, vitest also
// writes a JSON report there, so scripts/count-tests.mjs can print one closing line for all runners.
export function resultReporting(packageName) {
  const dir = process.env.ACTPASS_TEST_RESULTS;
  if (!dir) return {};
  return {
    reporters: ['default', 'json'],
    outputFile: { json: `${dir}/${packageName}-vitest.json` },
  };
}
