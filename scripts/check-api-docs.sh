#!/usr/bin/env bash
# Regenerates both API references (TypeDoc → docs/api, pdoc → docs/api-python) into a scratch folder and
# fails when the committed copies differ: the references are generated from the code's doc comments,
# never edited by hand, and never stale. pdoc writes the same bytes for the same input. TypeDoc does too
# except for its syntax highlighting of code examples: both the colour classes (`hl-3`) and where a
# line is cut into coloured runs vary from run to run (seen on the examples inherited from Node's Error
# types), so highlight markup is erased before comparing, along with the stylesheet holding the colours
# (assets/highlight.css). The text of every example is still compared.
set -euo pipefail
# Type errors are the typecheck step's to report (--skipErrorChecking): this one only compares.
cd "$(dirname "${BASH_SOURCE[0]}")/.."
root=$PWD

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT

(cd packages/sdk && pnpm exec typedoc --out "$scratch/api" --logLevel Error --skipErrorChecking)
python/.venv/bin/python python/scripts/gen_api_docs.py --out "$scratch/api-python" >/dev/null

# A copy of a reference with TypeDoc's highlight markup erased.
normalised() {
  local from=$1 to=$2
  mkdir -p "$to"
  cp -R "$from/." "$to"
  rm -f "$to/assets/highlight.css"
  find "$to" -name '*.html' -exec sed -i -E 's#<span class="hl-[0-9]+">##g; s#</span>##g' {} +
}

status=0
for reference in api api-python; do
  normalised "$root/docs/$reference" "$scratch/committed/$reference"
  normalised "$scratch/$reference" "$scratch/fresh/$reference"
  if ! diff -r -q "$scratch/committed/$reference" "$scratch/fresh/$reference" >"$scratch/$reference.diff" 2>&1; then
    echo "docs/$reference is stale: regenerate it and commit the result" >&2
    echo "  (TypeDoc: pnpm --filter @actpass/sdk docs; pdoc: python/.venv/bin/python python/scripts/gen_api_docs.py)" >&2
    head -20 "$scratch/$reference.diff" >&2
    status=1
  fi
done
[ "$status" -eq 0 ] && echo "API references are up to date"
exit "$status"
