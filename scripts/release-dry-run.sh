#!/usr/bin/env bash
# `pnpm release:dry-run`: builds every artefact a release would publish, checks them, publishes nothing.
#
#   1. the versions agree (npm sdk = npm gateway = Python), as `pnpm run version` leaves them;
#   2. npm tarballs of @actpass/sdk and @actpass/gateway (`pnpm pack` rewrites workspace:* ranges);
#   3. the Python wheel and sdist (`python -m build`, which fetches hatchling into an isolated env);
#   4. the packed SDK installs into scratch ESM and CommonJS projects and decides (fail-closed) there;
#   5. CycloneDX SBOMs of both ecosystems (scripts/sbom.sh), shipped beside the packages;
#   6. a list of the artefacts.
#
# The real release is `pnpm run version` (changesets + scripts/sync-python-version.mjs), then
# `pnpm -r publish` and `twine upload` of the files this script builds.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
command -v pnpm >/dev/null 2>&1 || export PATH="$root/.tools/node_modules/.bin:$PATH"

out=${1:-$(mktemp -d /tmp/actpass-release.XXXXXX)}
mkdir -p "$out/npm" "$out/python" "$out/scratch"
step() { echo; echo "==> $*"; }

step "versions"
sdk_version=$(node -p "require('./packages/sdk/package.json').version")
gateway_version=$(node -p "require('./packages/gateway/package.json').version")
if [ "$sdk_version" != "$gateway_version" ]; then
  echo "@actpass/sdk is $sdk_version but @actpass/gateway is $gateway_version: they are one fixed group"
  exit 1
fi
node scripts/sync-python-version.mjs --check || {
  echo "run \`pnpm run version\` (or node scripts/sync-python-version.mjs) before releasing"
  exit 1
}

step "build @actpass/sdk, @actpass/edge and @actpass/gateway"
pnpm exec turbo run build --filter='@actpass/gateway...' --output-logs=errors-only

step "npm tarballs"
for pkg in sdk edge gateway; do
  pnpm --dir "packages/$pkg" pack --pack-destination "$out/npm" >/dev/null
done
# A packed manifest must not keep a workspace: range; npm could not resolve it.
for tarball in "$out"/npm/*.tgz; do
  if tar -xzOf "$tarball" package/package.json | grep -q '"workspace:'; then
    echo "$tarball still has a workspace: dependency"
    exit 1
  fi
done

step "Python wheel and sdist"
python/.venv/bin/python -m build python -o "$out/python" >"$out/python-build.log" 2>&1 || {
  tail -20 "$out/python-build.log"
  exit 1
}
py_version=$(node scripts/sync-python-version.mjs --check | sed -n 's/^python version \([^ ]*\) .*/\1/p')
ls "$out/python/actpass-${py_version}-py3-none-any.whl" "$out/python/actpass-${py_version}.tar.gz" >/dev/null

step "the packed SDK installs and imports (ESM and CommonJS)"
sdk_tarball=$(ls "$out"/npm/actpass-sdk-*.tgz)
smoke() {
  local type=$1 load=$2 dir="$out/scratch/$1"
  mkdir -p "$dir"
  printf '{"name":"scratch-%s","private":true,"type":"%s"}\n' "$type" "$type" >"$dir/package.json"
  npm install --prefix "$dir" --no-audit --no-fund --prefer-offline --loglevel=error "$sdk_tarball" >/dev/null
  # No API key: a decision must still come back, made by the SDK and failing closed.
  cat >"$dir/main.js" <<EOF
$load
new ActPass({ apiKey: '', baseUrl: 'http://127.0.0.1:9', logger: {} })
  .preflight({ goal: 'g', tool: 't' })
  .then((d) => console.log('$type:', d.decision, d.reason_code, canonicalize({ b: 1, a: true })));
EOF
  local got want="$type: deny client.misconfigured {\"a\":true,\"b\":1}"
  got=$(cd "$dir" && node main.js)
  echo "  $got"
  [ "$got" = "$want" ] || { echo "expected: $want"; exit 1; }
}
smoke module "import { ActPass } from '@actpass/sdk'; import { canonicalize } from '@actpass/sdk/canonical';"
smoke commonjs "const { ActPass } = require('@actpass/sdk'); const { canonicalize } = require('@actpass/sdk/canonical');"

step "SBOMs (CycloneDX)"
bash scripts/sbom.sh "$out/sbom"

step "artefacts (version $sdk_version; nothing was published)"
find "$out/npm" "$out/python" "$out/sbom" -maxdepth 1 -type f \( -name '*.tgz' -o -name '*.whl' -o -name '*.tar.gz' -o -name '*.cdx.json' \) \
  -exec ls -l {} \; | awk '{ printf "  %8d  %s\n", $5, $9 }'
