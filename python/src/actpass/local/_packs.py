"""The prebuilt policies, loadable by name.

The packs are the gateway's JSON files (``packages/gateway/packs``). The wheel carries them in
``actpass/local/packs``, copied from the gateway's folder when the wheel is built; a source checkout
reads the gateway's folder directly. Either way there is one source and no hand-kept copy.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from ._policy import CompiledPolicy, load_policy

PACK_NAMES: Final = (
    "refunds",
    "code-deploys",
    "outbound-email",
    "crm-writes",
    "coding-agent",
    "coding-agents",
)

_HERE = Path(__file__).resolve().parent
# In the wheel: actpass/local/packs. In a checkout: python/src/actpass/local -> packages/gateway/packs.
_PACK_DIRS: Final = (_HERE / "packs", _HERE.parents[3] / "packages" / "gateway" / "packs")


def is_pack_name(name: object) -> bool:
    return isinstance(name, str) and name in PACK_NAMES


def pack_path(name: str) -> Path:
    """The file a pack is read from."""
    if not is_pack_name(name):
        raise ValueError(f"unknown policy pack {name!r}; known: {', '.join(PACK_NAMES)}")
    for folder in _PACK_DIRS:
        candidate = folder / f"{name}.json"
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(
        f"policy pack {name!r} is missing from this installation "
        f"(looked in {', '.join(map(str, _PACK_DIRS))}); reinstall the actpass wheel"
    )


def pack_source(name: str) -> Any:
    """A pack as raw JSON (a fresh copy), e.g. to write out for editing."""
    return json.loads(pack_path(name).read_text(encoding="utf-8"))


def load_pack(name: str) -> CompiledPolicy:
    return load_policy(pack_source(name))
