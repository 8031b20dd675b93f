#!/usr/bin/env bash
# Makes Debian's Chromium available for the console's browser tests, installing it from Debian's
# packages when it is absent (as scripts/postgres.sh does for PostgreSQL). Prints the executable's path.
set -euo pipefail

for candidate in "${ACTPASS_CHROMIUM:-}" /usr/bin/chromium /usr/bin/chromium-browser; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    echo "$candidate"
    exit 0
  fi
done
echo "chromium: installing it from Debian's packages" >&2
apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
command -v chromium
