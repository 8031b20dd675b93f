"""Generate python/src/actpass/_generated/contract.py from packages/contract/openapi.yaml.

datamodel-code-generator targets Python 3.10+, while the package supports 3.9, so the one import that
3.9's `typing` lacks (`TypeAlias`) is taken from `typing_extensions`. Everything else is the
generator's own output.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "packages" / "contract" / "openapi.yaml"
TARGET = ROOT / "python" / "src" / "actpass" / "_generated" / "contract.py"
HEADER = (
    "# Generated from packages/contract/openapi.yaml by python/scripts/gen_types.py "
    "(datamodel-code-generator). Do not edit: run `pnpm gen`."
)


def main() -> int:
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "datamodel_code_generator",
            "--input",
            str(SOURCE),
            "--input-file-type",
            "openapi",
            "--output-model-type",
            "typing.TypedDict",
            "--output",
            str(TARGET),
            "--target-python-version",
            "3.10",
            "--formatters",
            "builtin",
            "--disable-timestamp",
            "--use-field-description",
            "--custom-file-header",
            HEADER,
        ],
        check=True,
    )
    text = TARGET.read_text(encoding="utf-8")
    text = _take_type_alias_from_typing_extensions(text)
    TARGET.write_text(text, encoding="utf-8")
    (TARGET.parent / "__init__.py").write_text(HEADER + "\n", encoding="utf-8")
    return 0


def _take_type_alias_from_typing_extensions(text: str) -> str:
    def rewrite(match: re.Match[str]) -> str:
        names = [n.strip() for n in match.group(1).split(",")]
        kept = [n for n in names if n != "TypeAlias"]
        line = f"from typing import {', '.join(kept)}\n" if kept else ""
        return line + "from typing_extensions import TypeAlias\n"

    return re.sub(r"^from typing import (.+)\n", rewrite, text, count=1, flags=re.M)


if __name__ == "__main__":
    sys.exit(main())
