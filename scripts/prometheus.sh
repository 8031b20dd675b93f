#!/usr/bin/env bash
# Makes Debian's Prometheus available for the metrics scrape test, installing it from Debian's
# packages when it is absent (as scripts/postgres.sh does for PostgreSQL). Prints the executable's path.
set -euo pipefail

for candidate in "${ACTPASS_PROMETHEUS:-}" /usr/bin/prometheus; do
  if [ -n "$candidate" ] && [ -x "$candidate" ]; then
    echo "$candidate"
    exit 0
  fi
done
echo "prometheus: installing it from Debian's packages" >&2
apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends prometheus >&2
command -v prometheus
