#!/usr/bin/env bash
# The README's test command: installs everything, then runs every gate and every test suite.
# Each step runs even when an earlier one failed, so one run shows every problem; the script exits
# non-zero when any step failed.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

bash scripts/setup.sh || { echo "setup failed"; exit 1; }
command -v pnpm >/dev/null 2>&1 || export PATH="$root/.tools/node_modules/.bin:$PATH"

results_dir="$root/.test-results"
rm -rf "$results_dir" && mkdir -p "$results_dir"
export ACTPASS_TEST_RESULTS="$results_dir"

declare -a step_names=() step_status=()
step() {
  local name=$1; shift
  echo
  echo "==> $name"
  local started=$SECONDS
  if "$@"; then step_status+=("ok   $((SECONDS - started))s"); else step_status+=("FAIL $((SECONDS - started))s"); fi
  step_names+=("$name")
}

# A real PostgreSQL on loopback for the multi-process store tests (installed from Debian's packages
# when absent). Outside CI a machine without it still runs everything else; in CI it must start.
start_postgres() {
  pg_dir=$(mktemp -d /tmp/actpass-pg.XXXXXX)
  local url
  url=$(ACTPASS_PG_PORT=${ACTPASS_PG_PORT:-54329} bash scripts/postgres.sh start "$pg_dir/db") || return 1
  export ACTPASS_TEST_DATABASE_URL="$url"
  trap 'bash scripts/postgres.sh stop "$pg_dir/db" >/dev/null 2>&1; rm -rf "$pg_dir"' EXIT
}
if [ "${CI:-}" = "true" ]; then
  step "start PostgreSQL" start_postgres
else
  start_postgres || echo "PostgreSQL could not start here: its suites will say so"
fi

# Debian's Chromium for the console's browser tests (installed when absent). In CI it must be there;
# elsewhere the browser suites skip with a message saying how to get it.
if [ "${CI:-}" = "true" ]; then
  step "install Chromium" bash scripts/chromium.sh
else
  bash scripts/chromium.sh >/dev/null || echo "Chromium could not be installed here: the console's browser tests will say so"
fi

# Debian's Prometheus for the metrics scrape test, the same way: required in CI, skipped elsewhere.
if [ "${CI:-}" = "true" ]; then
  step "install Prometheus" bash scripts/prometheus.sh
else
  bash scripts/prometheus.sh >/dev/null || echo "Prometheus could not be installed here: the scrape test will say so"
fi

step "generated files are fresh" bash scripts/check-generated.sh
step "API references are fresh (TypeDoc, pdoc)" bash scripts/check-api-docs.sh
step "contract lint (redocly, spectral)" pnpm --filter @actpass/contract run lint
step "lint + format (biome)" pnpm exec biome check .
step "python lint (ruff)" bash -c "cd python && .venv/bin/ruff check --config pyproject.toml . ../examples && .venv/bin/ruff format --config pyproject.toml --check . ../examples"
step "python types (mypy --strict)" bash -c "cd python && .venv/bin/mypy"
step "typecheck (tsc)" pnpm exec turbo run typecheck --output-logs=errors-only
step "build (tsup)" pnpm exec turbo run build --output-logs=errors-only
step "package checks (publint, attw)" pnpm --filter @actpass/sdk run lint
# The documented command itself (SECURITY.md), so CI fails when what users run fails.
step "SBOM (CycloneDX, every runtime dependency, schema-valid)" pnpm sbom
step "Helm chart (render, lint, Kubernetes schemas, promises)" bash scripts/check-chart.sh
# Each suite runs within a wall-clock bound (about 3× its time on a loaded machine), so a hung test
# fails its step with the stacks pytest prints, instead of spending CI's whole budget. --no-bail: a
# failing package does not hide the results of the packages after it.
step "typescript tests (vitest)" timeout -k 30 2400 pnpm -r --no-bail --workspace-concurrency=1 run test
# The AI SDK adapter again at ai 7, which runs only on Node 22 (fetched from the npm registry and cached).
step "AI SDK adapter on ai 7 (Node 22)" timeout -k 30 600 bash packages/sdk/scripts/test-ai-next.sh
step "python tests (pytest)" timeout -k 30 1500 bash -c "cd python && .venv/bin/pytest -q -p no:cacheprovider --junitxml='$results_dir/pytest.xml'"
# The OpenAI Agents SDK, Google ADK and MCP client adapters again at those frameworks' current releases,
# in a venv of their own (their current releases cannot share one venv with every other framework's).
step "python adapters at current releases" timeout -k 30 600 bash python/scripts/test_frameworks_next.sh --junitxml="$results_dir/pytest-frameworks-next.xml"
# README → quickstart in projects outside the repository, from the packed files (scripts/pack.sh).
step "quickstarts in scratch projects" timeout -k 30 900 pnpm --filter @actpass/example-docs-check run test:scratch

echo
echo "==> summary"
for i in "${!step_names[@]}"; do printf '  %-34s %s\n' "${step_names[$i]}" "${step_status[$i]}"; done
node scripts/count-tests.mjs "$results_dir"
counted=$?

for s in "${step_status[@]}"; do
  case "$s" in FAIL*) exit 1 ;; esac
done
exit $counted
