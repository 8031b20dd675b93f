#!/usr/bin/env bash
# The README's demo command: installs what is missing, builds the SDK and the gateway, then runs every
# example in examples/ against the embedded gateway (in-process or on loopback; nothing else is
# contacted) and prints one transcript. Exits non-zero when any example fails.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

# Fixed order: the story goes from one guarded call to rollout, drift, audit and failure.
EXAMPLES=(refund-agent monitor-rollout tool-drift evidence-audit fail-closed python-agent agent-frameworks rest-proxy mcp-proxy)

bash scripts/setup.sh || { echo "demo: setup failed"; exit 1; }
command -v pnpm >/dev/null 2>&1 || export PATH="$root/.tools/node_modules/.bin:$PATH"

echo "demo: building @actpass/sdk and @actpass/gateway"
if ! build_log=$(pnpm exec turbo run build --filter='@actpass/gateway...' --output-logs=errors-only 2>&1); then
  echo "$build_log"
  echo "demo: the build failed"
  exit 1
fi

transcripts=$(mktemp -d /tmp/actpass-demo.XXXXXX)
trap 'rm -rf "$transcripts"' EXIT
declare -a results=()
failed=0

for name in "${EXAMPLES[@]}"; do
  description=$(node -p "require('./examples/$name/package.json').description")
  echo
  echo "━━━ $name ━━━"
  echo "$description"
  echo
  if pnpm --silent --dir "examples/$name" run start 2>&1 | tee "$transcripts/$name.txt"; then
    results+=("ok     $name")
  else
    results+=("FAILED $name")
    failed=1
  fi
done

echo
echo "━━━ ledger verification (evidence-audit, offline) ━━━"
grep -E '^verify |^  (actpass ledger verify|python -m actpass)|^    (export|VERIFIED|NOT VERIFIED|first broken)' \
  "$transcripts/evidence-audit.txt" || echo "  (no verification ran)"

echo
echo "━━━ summary ━━━"
printf '  %s\n' "${results[@]}"
exit $failed
