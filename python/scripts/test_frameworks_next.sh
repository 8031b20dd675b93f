#!/usr/bin/env bash
# Runs the OpenAI Agents SDK, Google ADK and MCP client adapters' tests at the frameworks' current
# releases, in a venv of their own (python/.venv-next; see next_venv.sh for why). Creates the venv when missing and reinstalls
# only when python/pyproject.toml, python/constraints-next.txt or next_venv.sh changed, like
# scripts/setup.sh does for python/.venv. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/next_venv.sh

if [ ! -x "$NEXT_VENV/bin/python" ]; then
  echo "test_frameworks_next: creating python/$NEXT_VENV"
  python3 -m venv "$NEXT_VENV"
fi
stamp="$NEXT_VENV/.installed-from"
want=$(cat pyproject.toml "$NEXT_CONSTRAINTS" scripts/next_venv.sh | sha256sum | cut -c1-64)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "test_frameworks_next: pip install -c python/$NEXT_CONSTRAINTS ${NEXT_REQUIREMENTS[*]}"
  "$NEXT_VENV/bin/python" -m pip install --quiet --disable-pip-version-check -c "$NEXT_CONSTRAINTS" \
    "${NEXT_REQUIREMENTS[@]}"
  "$NEXT_VENV/bin/python" -m pip check
  echo "$want" > "$stamp"
fi

"$NEXT_VENV/bin/python" - <<'PY'
from importlib.metadata import version
names = ("openai-agents", "openai", "google-adk", "google-genai", "mcp", "pydantic")
print("test_frameworks_next: " + ", ".join(f"{name} {version(name)}" for name in names))
PY
export ACTPASS_EXPECT_RELEASES="$NEXT_EXPECT"
exec "$NEXT_VENV/bin/python" -m pytest -q -p no:cacheprovider "$@" "${NEXT_TESTS[@]}"
