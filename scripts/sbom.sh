#!/usr/bin/env bash
# `pnpm sbom`: CycloneDX SBOMs of what a release ships, written to sbom/ (git-ignored) or to $1.
#
#   npm.cdx.json     @actpass/sdk, @actpass/edge and @actpass/gateway as a user installs them: the packed tarballs
#                    installed into a scratch npm project, every transitive version pinned to the one
#                    pnpm-lock.yaml resolves, inventoried by @cyclonedx/cyclonedx-npm (runtime only).
#                    cyclonedx-npm reads npm's tree, which pnpm's workspace layout is not, hence the
#                    scratch install.
#   python.cdx.json  the actpass wheel installed into a scratch venv that has no pip or setuptools of
#                    its own (they are not dependencies of actpass), inventoried by cyclonedx-py (the
#                    cyclonedx-bom package, a dev dependency). The install's direct_url.json is removed
#                    first, so the SBOM names the package, not this machine's checkout path.
#
# Then scripts/check-sbom.mjs fails unless every runtime dependency appears with its version, and both
# files are validated against CycloneDX's own JSON schema (scripts/validate-sbom.py).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD
command -v pnpm >/dev/null 2>&1 || export PATH="$root/.tools/node_modules/.bin:$PATH"

out=$(mkdir -p "${1:-sbom}" && cd "${1:-sbom}" && pwd)
work=$(mktemp -d /tmp/actpass-sbom.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "sbom: building and packing @actpass/sdk, @actpass/edge and @actpass/gateway"
pnpm exec turbo run build --filter='@actpass/gateway...' --output-logs=errors-only >/dev/null
for pkg in sdk edge gateway; do pnpm --dir "packages/$pkg" pack --pack-destination "$work" >/dev/null; done

# What pnpm-lock.yaml resolves for the two packages' production dependencies, transitively.
pnpm --filter @actpass/sdk --filter @actpass/edge --filter @actpass/gateway list --prod --depth Infinity --json >"$work/pnpm-tree.json"
node scripts/check-sbom.mjs scratch-project "$work/pnpm-tree.json" "$work" >"$work/package.json"

echo "sbom: installing the tarballs into a scratch npm project"
mkdir -p "$work/project" && mv "$work/package.json" "$work/project/"
(cd "$work/project" && npm install --omit=dev --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null)
# Under `pnpm sbom`, npm_execpath names pnpm, and cyclonedx-npm would ask pnpm for npm's tree (pnpm
# refuses npm's flags). The scratch project is an npm project: let cyclonedx-npm find npm itself.
(cd "$work/project" && env -u npm_execpath -u npm_config_user_agent "$root/node_modules/.bin/cyclonedx-npm" --omit dev --flatten-components --output-format JSON \
  --output-file "$out/npm.cdx.json" >/dev/null 2>"$work/cyclonedx-npm.log") || {
  cat "$work/cyclonedx-npm.log"
  exit 1
}

echo "sbom: installing actpass into a scratch venv"
python3 -m venv --without-pip "$work/venv"
python/.venv/bin/python -m build --wheel python -o "$work/wheel" >"$work/build.log" 2>&1 || {
  tail -20 "$work/build.log"
  exit 1
}
# The dev venv's pip installs into the scratch venv, which therefore holds only actpass and its needs.
python/.venv/bin/python -m pip --python "$work/venv/bin/python" install --quiet --disable-pip-version-check \
  "$work"/wheel/actpass-*.whl
site=$("$work/venv/bin/python" -c "import sysconfig; print(sysconfig.get_paths()['purelib'])")
rm -f "$site"/actpass-*.dist-info/direct_url.json
# The dependency walk runs in the dev venv (it has `packaging` for markers) but reads the scratch venv.
python/.venv/bin/python - "$site" >"$work/python-deps.json" <<'PY'
import json
import re
import sys
from importlib import metadata

from packaging.markers import Marker

site = [sys.argv[1]]

# Every distribution actpass needs at run time, transitively, with the version installed.
seen = {}
todo = ["actpass"]
while todo:
    name = todo.pop()
    key = re.sub(r"[-_.]+", "-", name).lower()
    if key in seen:
        continue
    dist = next(iter(metadata.Distribution.discover(name=name, path=site)))
    seen[key] = dist.version
    for requirement in dist.requires or []:
        if "extra ==" in requirement:
            continue
        if ";" not in requirement or Marker(requirement.split(";", 1)[1]).evaluate():
            todo.append(re.split(r"[ ;<>=!~\[(]", requirement.strip(), maxsplit=1)[0])
print(json.dumps(seen))
PY
python/.venv/bin/cyclonedx-py environment --output-format JSON --output-file "$out/python.cdx.json" \
  "$work/venv/bin/python" 2>"$work/cyclonedx-py.log" || {
  cat "$work/cyclonedx-py.log"
  exit 1
}

node scripts/check-sbom.mjs check "$work/pnpm-tree.json" "$work/python-deps.json" "$out/npm.cdx.json" "$out/python.cdx.json"
python/.venv/bin/python scripts/validate-sbom.py "$out/npm.cdx.json" "$out/python.cdx.json"
