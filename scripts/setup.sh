#!/usr/bin/env bash
# Installs everything the repository needs on a machine that has only Node 20 and Python 3:
# pnpm, the workspace's npm dependencies (frozen lockfile) and the Python venv under python/.venv.
# Safe to run again; both README commands start with it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PNPM_VERSION="10.34.9"

ensure_pnpm() {
  if command -v pnpm >/dev/null 2>&1; then return; fi
  echo "setup: installing pnpm@${PNPM_VERSION}"
  # corepack's signature check fails against some registries, so pnpm comes from npm itself.
  if ! npm install -g "pnpm@${PNPM_VERSION}" >/dev/null 2>&1; then
    # No permission for a global install: keep a private copy under node_modules/.bin-tools.
    npm install --prefix .tools "pnpm@${PNPM_VERSION}" >/dev/null
    export PATH="$PWD/.tools/node_modules/.bin:$PATH"
  fi
}

ensure_node_deps() {
  echo "setup: pnpm install --frozen-lockfile"
  pnpm install --frozen-lockfile
}

ensure_python_venv() {
  local venv="python/.venv"
  if [ ! -x "$venv/bin/python" ]; then
    echo "setup: creating $venv"
    python3 -m venv "$venv"
  fi
  local stamp="$venv/.installed-from"
  local want
  want=$(cat python/pyproject.toml python/constraints-dev.txt | sha256sum | cut -c1-64)
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
    # The constraints pin every dependency's version (python/scripts/lock_dev.sh writes them): resolving
    # the frameworks' test dependencies from scratch makes pip backtrack for many minutes.
    echo "setup: pip install -e 'python[dev]' -c python/constraints-dev.txt"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check -c python/constraints-dev.txt \
      -e 'python[dev]'
    echo "$want" > "$stamp"
  fi
}

ensure_pnpm
ensure_node_deps
ensure_python_venv
