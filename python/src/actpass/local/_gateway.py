"""``LocalGateway``: the reference gateway's decision path in this process, answering the HTTP API.

It holds what the served gateway holds (tenants and their keys, the policy in force, approvals,
approved tool definitions, passports, the vault and the ledger) and answers each contract operation
from memory. ``handle()`` takes a request as the client's transport sees it and returns the response;
``actpass.local.local_client()`` wires it into ``ActPassClient`` as an httpx transport, so the client's
code path (retries, validation, fail-closed) is the same as against a served gateway.
"""

from __future__ import annotations

import math
import os
import re
import threading
import time
from typing import Any, Callable, Final

from .._canonical import CanonicalJsonError, canonicalize, parse_json_strict
from ._approvals import Approvals
from ._decide import Verdict
from ._errors import GatewayError
from ._flow import FlowSessions
from ._ids import iso_ms, random_id, sha256_hex
from ._ledger import GATEWAY_WRITER, Ledger
from ._packs import is_pack_name, load_pack
from ._passports import JtiStore, Keyset
from ._policy import CompiledPolicy
from ._principal import Principal, Response
from ._routes import Operation, check_path_params, match
from ._tools import ToolRegistry
from ._vault import Vault

__all__ = ["LocalGateway", "Principal", "Response"]

DEFAULT_ISSUER: Final = "actpass-gateway"
DEFAULT_TENANT: Final = "acme"
MAX_BODY_DEPTH: Final = 64
ROLES: Final = ("agent", "approver", "admin")


class LocalGateway:
    """An in-process ActPass gateway.

    ``policy``: a pack name (``"refunds"``, ``"coding-agents"``, …), a policy object, or a compiled
    policy; every tenant starts with it. ``tenants``: tenant ids (the first is the default).
    ``ledger_path``: also append every event to this file (an existing file is verified and continued).
    ``clock``: milliseconds since the epoch (tests pin time with it); ``ids``: a ``prefix -> id``
    function (tests pin ids with it). ``vault_key``: 32 bytes; a random key for this process by default.
    ``flow_tools``: this gateway's classification of tools for flow control, tool globs to lists of
    ``private_data``, ``untrusted_content``, ``external_comm`` (sessions named in
    ``context.session.id`` then carry the labels of their allowed calls; see docs/flow-control.md).
    """

    def __init__(
        self,
        policy: str | dict[str, Any] | CompiledPolicy = "refunds",
        *,
        tenants: tuple[str, ...] | list[str] = (DEFAULT_TENANT,),
        ledger_path: str | os.PathLike[str] | None = None,
        keyset: Keyset | None = None,
        issuer: str = DEFAULT_ISSUER,
        clock: Callable[[], int] | None = None,
        ids: Callable[[str], str] | None = None,
        vault_key: bytes | None = None,
        flow_tools: dict[str, list[str]] | None = None,
    ) -> None:
        if not tenants:
            raise ValueError("tenants: give at least one tenant id, e.g. ('acme',)")
        self._clock = clock or (lambda: int(time.time() * 1000))
        self._ids = ids or random_id
        self.issuer = issuer
        self.keyset = keyset or Keyset()
        self.jti = JtiStore()
        self.ledger = Ledger(self._clock, path=ledger_path, ids=lambda: self._ids("ev_"))
        self.approvals = Approvals(self)
        self.vault = Vault(vault_key)
        self.tenants = tuple(tenants)
        self._keys: dict[str, Principal] = {}
        self.keys: dict[str, dict[str, str]] = {}
        self._policies: dict[str, CompiledPolicy] = {}
        self._policy_updated: dict[str, str] = {}
        self.tools = ToolRegistry()
        # Flow sessions and this gateway's classification of tools (tool globs to flow labels).
        self.flow = FlowSessions(flow_tools)
        self._idempotency: dict[tuple[str, str, str], tuple[str, Response]] = {}
        self._lock = threading.RLock()
        starting = _resolve_policy(policy)
        for tenant_id in self.tenants:
            self.keys[tenant_id] = {}
            for roles in (("agent",), ("approver",), ("admin",), ROLES):
                # Named as the served dev gateway names its keys (acme_agent, …), so key ids match it.
                label = "+".join(roles)
                key_id = f"{tenant_id}_{roles[0] if len(roles) == 1 else 'local'}"
                self.keys[tenant_id][label] = self.add_key(tenant_id, roles, key_id=key_id)
            self._put_policy(tenant_id, starting, GATEWAY_WRITER)

    # --- set-up -----------------------------------------------------------------------------------

    def add_key(
        self,
        tenant_id: str,
        roles: tuple[str, ...] | list[str],
        *,
        agent_id: str | None = None,
        key_id: str | None = None,
    ) -> str:
        """A new random API key for ``tenant_id`` with ``roles`` (bound to ``agent_id`` when given).

        Returns the key (keep it secret); ``key_id`` is the non-secret name the ledger records.
        """
        unknown = [r for r in roles if r not in ROLES]
        if unknown or not roles:
            raise ValueError(f"roles: use some of {', '.join(ROLES)} (got {list(roles)!r})")
        key = f"ak_local_{'_'.join(roles)}_" + os.urandom(18).hex()
        digest = sha256_hex(key)
        self._keys[digest] = Principal(tenant_id, frozenset(roles), key_id or f"key_{digest[:12]}", agent_id)
        return key

    def key(self, roles: str = "agent+approver+admin", tenant_id: str | None = None) -> str:
        """A key of the default (or given) tenant: ``agent``, ``approver``, ``admin`` or all three."""
        return self.keys[tenant_id or self.tenants[0]][roles]

    def now_ms(self) -> int:
        return self._clock()

    def new_id(self, prefix: str) -> str:
        return self._ids(prefix)

    # --- concepts the decision path asks --------------------------------------------------------------

    def policy_in_force(self, tenant_id: str) -> CompiledPolicy:
        return self._policies[tenant_id]

    def _put_policy(self, tenant_id: str, policy: CompiledPolicy, writer: dict[str, Any]) -> None:
        self.ledger.append(
            tenant_id,
            "policy.updated",
            {"policy_id": policy.id, "version": policy.version, "hash": policy.hash},
            writer,
        )
        self._policies[tenant_id] = policy
        self._policy_updated[tenant_id] = iso_ms(self.now_ms())

    def effective_agent_id(self, principal: Principal, requested: str | None) -> str | None:
        if principal.agent_id is None:
            return requested
        if requested is not None and requested != principal.agent_id:
            raise GatewayError(
                403,
                "auth.forbidden",
                f'body.agent_id: this API key is bound to agent "{principal.agent_id}"; '
                "omit agent_id or use that value.",
            )
        return principal.agent_id

    def find_drift(
        self,
        tenant_id: str,
        tool: str,
        definition: dict[str, Any] | None,
        tool_hash: str | None,
        *,
        strict: bool,
    ) -> tuple[str, str, str] | None:
        return self.tools.find_drift(tenant_id, tool, definition, tool_hash, strict=strict)

    def lease_credential(self, tenant_id: str, tool: str) -> dict[str, Any] | Verdict | None:
        return self.vault.lease_for_tool(tenant_id, tool, self.now_ms())

    # --- the HTTP surface -------------------------------------------------------------------------------

    def handle(
        self, method: str, path: str, query: dict[str, str], headers: dict[str, str], body: bytes
    ) -> Response:
        """Answer one request; ``headers`` keys are lower-case. Never raises for bad input."""
        request_id = self._ids("req_")
        try:
            status, answer = self._route(method, path, query, headers, body, request_id)
            return Response(status, answer, request_id)
        except GatewayError as error:
            payload: dict[str, Any] = {"code": error.code, "message": error.message, "request_id": request_id}
            if error.details:
                payload["details"] = error.details
            return Response(error.status, {"error": payload}, request_id)
        except Exception:
            # A fault of ours is a 500 the client treats as a failure (it fails closed), never a crash of
            # the caller's process; nothing from the request is echoed back.
            message = "The local gateway failed to answer; the action must not run."
            return Response(
                500,
                {"error": {"code": "server.internal", "message": message, "request_id": request_id}},
                request_id,
            )

    def _route(
        self,
        method: str,
        path: str,
        query: dict[str, str],
        headers: dict[str, str],
        raw: bytes,
        request_id: str,
    ) -> tuple[int, Any]:
        if path == "/healthz" and method == "GET":
            return 200, {"status": "ok"}
        if path == "/.well-known/jwks.json" and method == "GET":
            return 200, self.keyset.jwks()
        found = match(method, path)
        if found is None:
            raise GatewayError(404, "request.not_found", f"No route for {method} {path}; check the base URL.")
        operation, params = found
        principal = self._authenticate(headers.get("authorization"))
        hint = headers.get("x-actpass-tenant")
        if hint is not None and hint != principal.tenant_id:
            raise GatewayError(
                403,
                "auth.tenant_mismatch",
                "The x-actpass-tenant header names a tenant other than this API key's; "
                "remove it or use a key of that tenant.",
            )
        if not principal.roles.intersection(operation.roles):
            needed = " or ".join(operation.roles)
            raise GatewayError(
                403, "auth.forbidden", f"This operation needs the {needed} role; use a key that has it."
            )
        check_path_params(params)
        body = _parse_body(raw) if method in ("POST", "PUT") else None
        if isinstance(body, dict) and "tenant_id" in body and body["tenant_id"] != principal.tenant_id:
            raise GatewayError(
                403,
                "auth.tenant_mismatch",
                "body.tenant_id names a tenant other than this API key's; "
                "remove it or use a key of that tenant.",
            )
        idempotency_key = headers.get("idempotency-key") if method == "POST" else None
        if idempotency_key is None:
            return operation.run(self, principal, params, query, body, request_id, None)
        return self._once(principal, idempotency_key, body, raw, operation, params, query, request_id)

    def _once(
        self,
        principal: Principal,
        key: str,
        body: Any,
        raw: bytes,
        operation: Operation,
        params: dict[str, str],
        query: dict[str, str],
        request_id: str,
    ) -> tuple[int, Any]:
        """The same key and body answer what they answered before (no second event, no second burn)."""
        request = canonicalize([operation.name, params]) + "\n" + raw.decode("utf-8", "replace")
        fingerprint = sha256_hex(request)
        slot = (principal.tenant_id, principal.key_id, key)
        with self._lock:
            stored = self._idempotency.get(slot)
            if stored is not None:
                if stored[0] != fingerprint:
                    raise GatewayError(
                        409,
                        "request.idempotency_conflict",
                        "This Idempotency-Key was used with another request body; "
                        "use a new key for a new request.",
                    )
                return stored[1].status, stored[1].body
            status, answer = operation.run(self, principal, params, query, body, request_id, key)
            if 200 <= status < 300:
                # A lease is never kept: a replayed answer carries none.
                kept = (
                    {k: v for k, v in answer.items() if k != "credential"}
                    if isinstance(answer, dict)
                    else answer
                )
                self._idempotency[slot] = (fingerprint, Response(status, kept, request_id))
            return status, answer

    def _authenticate(self, header: str | None) -> Principal:
        if header is None:
            raise GatewayError(401, "auth.missing_key", "No API key: send Authorization: Bearer <key>.")
        matched = re.fullmatch(r"Bearer +(\S+) *", header, flags=re.IGNORECASE)
        principal = self._keys.get(sha256_hex(matched.group(1))) if matched else None
        if principal is None:
            raise GatewayError(401, "auth.invalid_key", "The API key is not known; check ACTPASS_API_KEY.")
        return principal

    def client(self, roles: str = "agent+approver+admin", **options: Any) -> Any:
        """An ``ActPassClient`` answered by this gateway (no socket); ``options`` go to the client."""
        from ._transport import local_client

        return local_client(gateway=self, roles=roles, **options)

    def async_client(self, roles: str = "agent+approver+admin", **options: Any) -> Any:
        """An ``AsyncActPassClient`` answered by this gateway (no socket); ``options`` go to the client."""
        from ._transport import async_local_client

        return async_local_client(gateway=self, roles=roles, **options)


def _resolve_policy(policy: str | dict[str, Any] | CompiledPolicy) -> CompiledPolicy:
    if isinstance(policy, CompiledPolicy):
        return policy
    if isinstance(policy, str):
        if not is_pack_name(policy):
            raise ValueError(f"policy: {policy!r} is not a pack name; use a pack name or a policy object")
        return load_pack(policy)
    from ._policy import load_policy

    return load_policy(policy)


def _parse_body(raw: bytes) -> Any:
    if not raw:
        return None
    try:
        value = parse_json_strict(raw.decode("utf-8"))
    except (UnicodeDecodeError, CanonicalJsonError, ValueError) as error:
        message = f"body: not valid JSON ({error}); send a JSON object."
        raise GatewayError(400, "request.invalid", message) from None
    problem = _bounds_problem(value, 0)
    if problem is not None:
        raise GatewayError(400, "request.invalid", f"body: {problem}.")
    return value


def _bounds_problem(value: Any, depth: int) -> str | None:
    """Every body must have a canonical form (finite numbers, no lone surrogates) within 64 levels."""
    if isinstance(value, str):
        return "a string holds an unpaired surrogate; send well-formed text" if _LONE.search(value) else None
    if isinstance(value, float):
        return None if math.isfinite(value) else "a number is not finite; send finite numbers"
    if isinstance(value, (dict, list)):
        if depth >= MAX_BODY_DEPTH:
            return f"nested deeper than {MAX_BODY_DEPTH} levels; flatten it"
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(key, str) and _LONE.search(key):
                return "a member name holds an unpaired surrogate; send well-formed text"
            problem = _bounds_problem(item, depth + 1)
            if problem is not None:
                return problem
    return None


_LONE: Final = re.compile("[\ud800-\udfff]")
