#!/usr/bin/env bash
# Regenerates every file derived from packages/contract/openapi.yaml and fails when the committed
# copies differ: generated code is never edited by hand, and it is never stale.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

generated=(
  packages/sdk/src/generated
  packages/gateway/src/generated
  python/src/actpass/_generated
)

pnpm run --silent gen >/dev/null
if [ -n "$(git status --porcelain -- "${generated[@]}")" ]; then
  echo "generated files are stale: run 'pnpm gen' and commit the result" >&2
  git status --short -- "${generated[@]}" >&2
  git --no-pager diff --stat -- "${generated[@]}" >&2
  exit 1
fi
echo "generated files are up to date"
