"""Load the cross-language vectors in ``packages/contract/vectors/<kind>/``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

# python/tests/vectors/_load.py -> repository root is three folders up from this one.
VECTORS_ROOT = Path(__file__).resolve().parents[3] / "packages" / "contract" / "vectors"


def load_vectors(kind: str) -> list[tuple[str, Any]]:
    """Every ``*.json`` of a kind as ``(file name, parsed content)``, sorted by name.

    Vectors are only ever added, never edited in place, so runners discover files instead of listing them.
    """
    folder = VECTORS_ROOT / kind
    return [
        (path.name, json.loads(path.read_text(encoding="utf-8"))) for path in sorted(folder.glob("*.json"))
    ]
