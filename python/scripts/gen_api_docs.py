"""Generate the Python API reference (docs/api-python/) with pdoc from the package's docstrings.

It documents the public modules only (``actpass``, ``actpass.resources``, ``actpass.adapters``): the
private ``_``-modules are left out, so every link in the output points at a page that exists (a test
checks that). Run from the repository root: ``python/.venv/bin/python python/scripts/gen_api_docs.py``;
``--out DIR`` writes elsewhere.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "docs" / "api-python"
MODULES = ["actpass", "actpass.resources", "actpass.adapters"]


def generate(out: Path) -> None:
    import pdoc
    import pdoc.render

    import actpass

    # Loaded on first use by `import actpass` (to keep it fast); pdoc reads the module's namespace.
    for lazy in ("Decision", "PassportVerification", "ExportVerification"):
        setattr(actpass, lazy, getattr(actpass, lazy))

    pdoc.render.configure(docformat="google", show_source=False, search=False, footer_text="ActPass")
    out.mkdir(parents=True, exist_ok=True)
    pdoc.pdoc(*MODULES, output_directory=out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=TARGET)
    out = parser.parse_args().out
    generate(out)
    print(f"wrote {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
