"""ActPass in process: the reference gateway's decision path in Python, for pip users without Node.

Policies and packs now; the rest of the decision path joins below as it lands.
"""

from __future__ import annotations

from ._packs import PACK_NAMES, load_pack, pack_source
from ._policy import CompiledPolicy, PolicyError, compile_policy, evaluate, load_policy, policy_hash
from ._policy_check import PolicyProblem

__all__ = [
    "PACK_NAMES",
    "CompiledPolicy",
    "PolicyError",
    "PolicyProblem",
    "compile_policy",
    "evaluate",
    "load_pack",
    "load_policy",
    "pack_source",
    "policy_hash",
]
