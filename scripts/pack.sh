#!/usr/bin/env bash
# `bash scripts/pack.sh [OUT_DIR]`: builds the files the quickstarts install, from this clone.
#
#   OUT_DIR (default ./dist, git-ignored) receives
#     actpass-sdk-<version>.tgz       @actpass/sdk, packed with `pnpm pack`
#     actpass-edge-<version>.tgz      @actpass/edge: the proxies, hooks and exposure scan (needs the SDK tarball)
#     actpass-gateway-<version>.tgz   @actpass/gateway and its `actpass` CLI (needs the SDK and edge tarballs)
#     actpass-<version>-py3-none-any.whl   the Python client
#     SHA256SUMS                      their SHA-256 checksums (`sha256sum --check SHA256SUMS`)
#
# Until the packages are published under names this project controls (docs/releasing.md), these files
# are how a project outside this repository installs ActPass: `npm install ./dist/…tgz`,
# `pip install ./dist/…whl`. Runs scripts/setup.sh first, so a fresh clone needs nothing else.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
default_out=dist
target=${1:-$default_out}
out=$(mkdir -p "$target" && cd "$target" && pwd)

echo "pack: setting up (pnpm, the workspace, the Python venv; a first run takes a minute or two)"
bash scripts/setup.sh >/dev/null
command -v pnpm >/dev/null 2>&1 || export PATH="$root/.tools/node_modules/.bin:$PATH"

echo "pack: building @actpass/sdk, @actpass/edge and @actpass/gateway"
pnpm exec turbo run build --filter='@actpass/gateway...' --output-logs=errors-only >/dev/null

rm -f "$out"/actpass-sdk-*.tgz "$out"/actpass-edge-*.tgz "$out"/actpass-gateway-*.tgz "$out"/actpass-*.whl
for pkg in sdk edge gateway; do
  pnpm --dir "packages/$pkg" pack --pack-destination "$out" >/dev/null
done
for tarball in "$out"/actpass-sdk-*.tgz "$out"/actpass-edge-*.tgz "$out"/actpass-gateway-*.tgz; do
  # `pnpm pack` turns workspace:* into the real version; a leftover one could not be installed.
  if tar -xzOf "$tarball" package/package.json | grep -q '"workspace:'; then
    echo "pack: $tarball still has a workspace: dependency" >&2
    exit 1
  fi
done

echo "pack: building the Python wheel"
log=$(mktemp)
if ! python/.venv/bin/python -m build --wheel python -o "$out" >"$log" 2>&1; then
  tail -20 "$log" >&2
  rm -f "$log"
  exit 1
fi
rm -f "$log"

# One checksums file for the artefacts, the file a release signs (docs/releasing.md#signing).
(cd "$out" && sha256sum actpass-sdk-*.tgz actpass-edge-*.tgz actpass-gateway-*.tgz actpass-*.whl >SHA256SUMS)

echo "pack: built into $out"
for file in "$out"/actpass-sdk-*.tgz "$out"/actpass-edge-*.tgz "$out"/actpass-gateway-*.tgz "$out"/actpass-*.whl; do
  echo "  $(basename "$file")"
done
echo "  SHA256SUMS"

