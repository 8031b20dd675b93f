"""Where the repository's shared files are, seen from python/tests/local/."""

from __future__ import annotations

from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
VECTORS_ROOT = REPO_ROOT / "packages" / "contract" / "vectors"
GATEWAY_PACKS = REPO_ROOT / "packages" / "gateway" / "packs"
