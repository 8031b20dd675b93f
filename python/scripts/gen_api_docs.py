"""Generate the Python API reference (docs/api-python/index.html) from the package's docstrings.

Uses the standard library's pydoc, so the reference needs nothing beyond the package itself. The
absolute source path pydoc links to is rewritten relative to the repository, so the output does not
depend on where the checkout lives.
"""

from __future__ import annotations

import pydoc
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "docs" / "api-python" / "index.html"


def main() -> int:
    import actpass

    page = pydoc.html.page(pydoc.describe(actpass), pydoc.html.document(actpass, "actpass"))
    source = str(ROOT / "python" / "src")
    page = page.replace(f"file:{source}", "../../python/src").replace(source, "python/src")
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    TARGET.write_text(page, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
