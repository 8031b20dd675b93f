"""ActPass in process: the reference gateway's decision path in Python, for pip users without Node.

>>> from actpass.local import LocalGateway
>>> gateway = LocalGateway("refunds")                       # a pack name, or a policy object
>>> client = gateway.client()                               # an ActPassClient, no socket, no Node
>>> d = client.preflight(goal="refund", tool="stripe.refund.create", args={"amount": 4900})
>>> d["decision"], d["reason_code"]
('allow', 'refund.small_in_scope')

The same policies, decisions, reason codes, explanations and ledger event hashes as the TypeScript
gateway for the same inputs (the shared vectors and a differential test against it hold both to that).
"""

from __future__ import annotations

from ._gateway import LocalGateway, Principal
from ._ledger import Ledger
from ._packs import PACK_NAMES, load_pack, pack_source
from ._passports import Keyset
from ._policy import CompiledPolicy, PolicyError, compile_policy, evaluate, load_policy, policy_hash
from ._policy_check import PolicyProblem
from ._transport import LOCAL_BASE_URL, AsyncLocalTransport, LocalTransport, async_local_client, local_client

__all__ = [
    "LOCAL_BASE_URL",
    "PACK_NAMES",
    "AsyncLocalTransport",
    "CompiledPolicy",
    "Keyset",
    "Ledger",
    "LocalGateway",
    "LocalTransport",
    "PolicyError",
    "PolicyProblem",
    "Principal",
    "async_local_client",
    "compile_policy",
    "evaluate",
    "load_pack",
    "load_policy",
    "local_client",
    "pack_source",
    "policy_hash",
]
