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
from dataclasses import dataclass
from typing import Any, Callable, Final

from .._canonical import CanonicalJsonError, canonicalize, parse_json_strict
from . import _validate as schema
from ._approvals import Approvals
from ._decide import Verdict, decide
from ._errors import GatewayError, invalid, not_found
from ._globs import is_tool_name, tool_glob_problem
from ._ids import canonical_sha256, iso_ms, random_id, sha256_hex
from ._ledger import GATEWAY_WRITER, Ledger, signed_export
from ._packs import is_pack_name, load_pack
from ._passports import LEEWAY_MAX, JtiStore, Keyset, issue, verify
from ._policy import CompiledPolicy, compile_policy
from ._vault import LEASE_TTL_DEFAULT, Vault

DEFAULT_ISSUER: Final = "actpass-gateway"
DEFAULT_TENANT: Final = "acme"
MAX_BODY_DEPTH: Final = 64
ROLES: Final = ("agent", "approver", "admin")
GATEWAY_NAMESPACES: Final = (
    "decision",
    "approval",
    "passport",
    "credential",
    "tool",
    "policy",
    "keyset",
    "ledger",
    "evidence",
    "action",
)
OUTCOME_TYPE: Final = "action.outcome"
VAULT_NAME: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,127}\Z")
_TOOL_NOT_A_NAME: Final = 'must be dot-separated segments of letters, digits, "_" and "-"'


@dataclass(frozen=True)
class Principal:
    """Who an API key is: its tenant, roles, stable id (never the key) and, optionally, its agent."""

    tenant_id: str
    roles: frozenset[str]
    key_id: str
    agent_id: str | None = None

    @property
    def writer(self) -> dict[str, Any]:
        return {"key_id": self.key_id, "roles": sorted(self.roles)}


@dataclass(frozen=True)
class Response:
    status: int
    body: Any
    request_id: str


Handler = Callable[
    ["LocalGateway", Principal, dict[str, Any], dict[str, str], Any, str, "str | None"], tuple[int, Any]
]


class LocalGateway:
    """An in-process ActPass gateway.

    ``policy``: a pack name (``"refunds"``, ``"coding-agents"``, …), a policy object, or a compiled
    policy; every tenant starts with it. ``tenants``: tenant ids (the first is the default).
    ``ledger_path``: also append every event to this file (an existing file is verified and continued).
    ``clock``: milliseconds since the epoch (tests pin time with it); ``ids``: a ``prefix -> id``
    function (tests pin ids with it). ``vault_key``: 32 bytes; a random key for this process by default.
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
        self._tools: dict[str, dict[str, dict[str, Any]]] = {}
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
        if definition is not None and definition.get("name") != tool:
            raise invalid("body.tool_definition.name", "must equal body.tool")
        presented = canonical_sha256(definition) if definition is not None else tool_hash
        if presented is None and not strict:
            return None
        approved = self._tools.get(tenant_id, {}).get(tool)
        if approved is None:
            if not strict:
                return None
            return (
                "tool.unregistered",
                f"Tool {tool} has no approved definition; strict mode runs approved tools only.",
                f"Ask an admin to approve the definition with PUT /api/v1/tools/{tool}.",
            )
        if presented is None or presented == approved["hash"]:
            return None
        return (
            "tool.drifted",
            f"Tool {tool} differs from its approved definition (approved hash {approved['hash'][:12]}…).",
            f"Review the change, then ask an admin to re-approve it with PUT /api/v1/tools/{tool}.",
        )

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
        found = _match(method, path)
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
        _check_path_params(params)
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
        operation: _Operation,
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

    # --- operations -------------------------------------------------------------------------------------

    def op_preflight(
        self, principal: Principal, body: Any, request_id: str, idem: str | None
    ) -> tuple[int, Any]:
        checked = schema.check_body(body, "body", schema.PREFLIGHT, ("goal", "tool"))
        if not is_tool_name(checked["tool"]):
            raise invalid("body.tool", _TOOL_NOT_A_NAME, 'correct the value, e.g. "stripe.refund.create"')
        return 200, decide(self, principal, checked, request_id, idem)

    def op_issue_passport(self, principal: Principal, body: Any) -> tuple[int, Any]:
        checked = schema.check_body(
            body, "body", schema.ISSUE_PASSPORT, ("audience", "goal", "allowed_tools")
        )
        request: dict[str, Any] = {
            "issuer": self.issuer,
            "audience": checked["audience"],
            "tenant_id": principal.tenant_id,
            "agent_id": self.effective_agent_id(principal, checked.get("agent_id")),
            **{
                k: checked[k]
                for k in (
                    "user_id",
                    "goal",
                    "allowed_tools",
                    "allowed_resources",
                    "resource_constraints",
                    "risk_tier",
                    "action_hash",
                    "ttl_seconds",
                )
                if k in checked
            },
        }
        try:
            token, claims = issue(self.keyset, request, self.now_ms() // 1000)
        except ValueError as error:
            raise GatewayError(400, "request.invalid", f"body: {error}; fix the request.") from None
        expires_at = iso_ms(claims["exp"] * 1000)
        self.ledger.append(
            principal.tenant_id,
            "passport.issued",
            {
                "jti": claims["jti"],
                "audience": claims["aud"],
                "agent_id": claims["agent_id"],
                "user_id": claims["user_id"],
                "goal": claims["goal"],
                "allowed_tools": claims["allowed_tools"],
                "allowed_resources": claims["allowed_resources"],
                "resource_constraints": claims["resource_constraints"],
                "risk_tier": claims["risk_tier"],
                "expires_at": expires_at,
                "exp": claims["exp"],
                "key_id": principal.key_id,
            },
            principal.writer,
        )
        return 201, {"token": token, "jti": claims["jti"], "expires_at": expires_at, "claims": claims}

    def op_verify_passport(self, principal: Principal, body: Any) -> tuple[int, Any]:
        checked = schema.check_body(body, "body", schema.VERIFY_PASSPORT, ("token",))
        token = checked["token"]
        from ._passports import peek_audience

        action = None
        if "tool" in checked:
            action = {
                "tool": checked["tool"],
                "resource": checked.get("resource"),
                "args": checked.get("args"),
            }
        result = verify(
            token,
            key_for=self.keyset.public_key,
            store=self.jti,
            now_s=self.now_ms() // 1000,
            issuer=self.issuer,
            audience=checked.get("audience", peek_audience(token)),
            tenant_id=principal.tenant_id,
            action=action,
        )
        if isinstance(result, dict):
            return 200, {"valid": True, "claims": result}
        reason_code, message, claims = result
        answer: dict[str, Any] = {"valid": False, "reason_code": reason_code, "message": message}
        # Claims of another tenant's passport are not this caller's to read.
        if claims is not None and claims["tenant_id"] == principal.tenant_id:
            answer["claims"] = claims
        return 200, answer

    def op_revoke_passport(self, principal: Principal, jti: str, body: Any) -> tuple[int, Any]:
        checked = schema.check_body(body, "body", schema.REVOKE_PASSPORT, ("reason",))
        issued = next(
            (
                e
                for e in self.ledger.events(principal.tenant_id)
                if e["type"] == "passport.issued" and e["data"]["jti"] == jti
            ),
            None,
        )
        if issued is None:
            raise not_found(f"No passport {jti}.")
        revoked_at = iso_ms(self.now_ms())
        data = {"jti": jti, "reason": checked["reason"], "key_id": principal.key_id}
        self.ledger.append(principal.tenant_id, "passport.revoked", data, principal.writer)
        self.jti.revoke(principal.tenant_id, jti, checked["reason"])
        _ = LEEWAY_MAX  # kept past exp + the largest leeway: here, for the life of the process
        return 200, {"jti": jti, "revoked": True, "reason": checked["reason"], "revoked_at": revoked_at}

    def op_record_evidence(self, principal: Principal, body: Any) -> tuple[int, Any]:
        checked = schema.check_body(body, "body", schema.RECORD_EVIDENCE, ("type", "data"))
        event_type, data = checked["type"], checked["data"]
        if "written_by" in data:
            raise invalid("body.data.written_by", "is recorded by the gateway from the API key", "remove it")
        if event_type != OUTCOME_TYPE:
            namespace = next(
                (ns for ns in GATEWAY_NAMESPACES if event_type == ns or event_type.startswith(ns + ".")), None
            )
            if namespace is not None:
                raise invalid(
                    "body.type",
                    f'"{event_type}" is in the gateway\'s "{namespace}" namespace',
                    'use a type of your own, e.g. "app.refund_sent"',
                )
        return 201, self.ledger.append(principal.tenant_id, event_type, data, principal.writer)

    def op_list_evidence(self, principal: Principal, query: dict[str, str]) -> tuple[int, Any]:
        after = _int_query(query, "after_seq", 0, 0, 2**53 - 1)
        limit = _int_query(query, "limit", 100, 1, 1000)
        wanted = query.get("type")
        events = [
            e
            for e in self.ledger.events(principal.tenant_id)
            if e["seq"] > after
            and (
                wanted is None
                or e["type"] == wanted
                or (wanted.endswith(".*") and e["type"].startswith(wanted[:-1]))
            )
        ][:limit]
        following = events[-1]["seq"] if events and len(events) == limit else None
        return 200, {"events": events, "next_after_seq": following}

    def op_verify_evidence(self, principal: Principal) -> tuple[int, Any]:
        result = self.ledger.verify(principal.tenant_id)
        head = self.ledger.head(principal.tenant_id)
        count = head["seq"]
        if result["ok"]:
            return 200, {"ok": True, "count": count, "head": None if count == 0 else result["head"]}
        return 200, {
            "ok": False,
            "count": count,
            "head": None if count == 0 else head,
            "first_broken_seq": result["first_broken_seq"],
            "reason": result["reason"],
        }

    def op_export_evidence(self, principal: Principal) -> tuple[int, Any]:
        return 200, signed_export(
            self.ledger.events(principal.tenant_id), principal.tenant_id, self.keyset.sign, self.now_ms()
        )

    def op_approve_tool(self, principal: Principal, name: str, body: Any) -> tuple[int, Any]:
        definition = schema.check_body(
            body, "body", schema.TOOL_DEFINITION, ("name", "description", "input_schema")
        )
        if definition["name"] != name:
            raise invalid("body.name", f'must equal "{name}"', "use the tool name of the path")
        approved = {
            "name": name,
            "hash": canonical_sha256(definition),
            "definition": definition,
            "approved_at": iso_ms(self.now_ms()),
        }
        self.ledger.append(
            principal.tenant_id, "tool.approved", {"name": name, "hash": approved["hash"]}, principal.writer
        )
        self._tools.setdefault(principal.tenant_id, {})[name] = approved
        return 200, approved

    def op_list_tools(self, principal: Principal) -> tuple[int, Any]:
        tools = self._tools.get(principal.tenant_id, {})
        return 200, {"items": [tools[n] for n in sorted(tools)]}

    def op_get_policy(self, principal: Principal) -> tuple[int, Any]:
        policy = self._policies[principal.tenant_id]
        return 200, {
            "policy": policy.source,
            "hash": policy.hash,
            "updated_at": self._policy_updated[principal.tenant_id],
        }

    def op_put_policy(self, principal: Principal, body: Any) -> tuple[int, Any]:
        compiled, problems = compile_policy(body)
        if compiled is None:
            details = [
                {
                    "path": f"body.{p.path}" if p.path else "body",
                    "message": p.message,
                    **({"rule_id": p.rule_id} if p.rule_id else {}),
                }
                for p in problems
            ]
            more = f" (and {len(details) - 1} more problems, see error.details)" if len(details) > 1 else ""
            raise GatewayError(
                400,
                "request.invalid",
                f"{details[0]['path']}: {details[0]['message']}{more}. "
                "Fix every problem listed, then PUT the policy again.",
                details,
            )
        self._put_policy(principal.tenant_id, compiled, principal.writer)
        return self.op_get_policy(principal)

    def op_put_credential(self, principal: Principal, name: str, body: Any) -> tuple[int, Any]:
        if not VAULT_NAME.match(name):
            raise invalid(
                "name", "must be 1-128 of letters, digits, '.', '_' and '-', starting with a letter or digit"
            )
        spec: schema.Spec = {
            "value": ("string", {"min": 1, "max": 16384}),
            "bound_tools": ("strings", {"min_items": 1, "max_items": 100, "items": {"min": 1, "max": 256}}),
            "lease_ttl_seconds": ("integer", {}),
            "delivery": ("string", {"enum": ("sdk", "proxy")}),
        }
        checked = schema.check_body(body, "body", spec, ("value", "bound_tools"))
        for i, pattern in enumerate(checked["bound_tools"]):
            if tool_glob_problem(pattern):
                raise invalid(f"body.bound_tools/{i}", "is not a tool name or tool glob")
        ttl = checked.get("lease_ttl_seconds", LEASE_TTL_DEFAULT)
        if not 1 <= ttl <= 3600:
            raise invalid("body.lease_ttl_seconds", "must be between 1 and 3600")
        delivery = checked.get("delivery", "sdk")
        stored = self.vault.put(
            principal.tenant_id, name, checked["value"], checked["bound_tools"], ttl, delivery, self.now_ms()
        )
        data = {
            "name": name,
            "version": stored["version"],
            "bound_tools": stored["bound_tools"],
            "delivery": delivery,
        }
        self.ledger.append(principal.tenant_id, "credential.stored", data, principal.writer)
        return 200, stored

    def op_list_credentials(self, principal: Principal) -> tuple[int, Any]:
        return 200, {"items": self.vault.list(principal.tenant_id)}

    def op_delete_credential(self, principal: Principal, name: str) -> tuple[int, Any]:
        if not any(c["name"] == name for c in self.vault.list(principal.tenant_id)):
            raise not_found(f"No credential {name}.")
        self.ledger.append(principal.tenant_id, "credential.deleted", {"name": name}, principal.writer)
        self.vault.delete(principal.tenant_id, name)
        return 200, {"name": name, "deleted": True}

    def client(self, roles: str = "agent+approver+admin", **options: Any) -> Any:
        """An ``ActPassClient`` answered by this gateway (no socket); ``options`` go to the client."""
        from ._transport import local_client

        return local_client(gateway=self, roles=roles, **options)

    def async_client(self, roles: str = "agent+approver+admin", **options: Any) -> Any:
        """An ``AsyncActPassClient`` answered by this gateway (no socket); ``options`` go to the client."""
        from ._transport import async_local_client

        return async_local_client(gateway=self, roles=roles, **options)

    def op_whoami(self, principal: Principal) -> tuple[int, Any]:
        answer: dict[str, Any] = {
            "tenant_id": principal.tenant_id,
            "key_id": principal.key_id,
            "roles": sorted(principal.roles),
        }
        if principal.agent_id is not None:
            answer["agent_id"] = principal.agent_id
        return 200, answer


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


def _int_query(query: dict[str, str], name: str, default: int, low: int, high: int) -> int:
    text = query.get(name)
    if text is None:
        return default
    if not re.fullmatch(r"-?\d{1,16}", text) or not low <= int(text) <= high:
        raise invalid(f"query.{name}", f"must be an integer from {low} to {high}")
    return int(text)


@dataclass(frozen=True)
class _Operation:
    name: str
    roles: tuple[str, ...]
    run: Callable[..., tuple[int, Any]]


def _op(name: str, roles: tuple[str, ...], call: Callable[..., tuple[int, Any]]) -> _Operation:
    return _Operation(name, roles, call)


def _put_credential(g: LocalGateway, p: Principal, a: dict[str, str], *rest: Any) -> tuple[int, Any]:
    return g.op_put_credential(p, a["credential"], rest[1])


def _delete_credential(g: LocalGateway, p: Principal, a: dict[str, str], *rest: Any) -> tuple[int, Any]:
    return g.op_delete_credential(p, a["credential"])


_ROUTES: Final[list[tuple[str, re.Pattern[str], _Operation]]] = [
    (
        "POST",
        re.compile(r"/api/v1/actions/preflight"),
        _op("preflight", ("agent",), lambda g, p, a, q, b, r, k: g.op_preflight(p, b, r, k)),
    ),
    (
        "POST",
        re.compile(r"/api/v1/passports"),
        _op("issue_passport", ("agent",), lambda g, p, a, q, b, r, k: g.op_issue_passport(p, b)),
    ),
    (
        "POST",
        re.compile(r"/api/v1/passports/verify"),
        _op("verify_passport", ("agent",), lambda g, p, a, q, b, r, k: g.op_verify_passport(p, b)),
    ),
    (
        "POST",
        re.compile(r"/api/v1/passports/(?P<jti>[^/]+)/revoke"),
        _op(
            "revoke_passport",
            ("agent", "admin"),
            lambda g, p, a, q, b, r, k: g.op_revoke_passport(p, a["jti"], b),
        ),
    ),
    (
        "GET",
        re.compile(r"/api/v1/approvals"),
        _op(
            "list_approvals",
            ("approver",),
            lambda g, p, a, q, b, r, k: (
                200,
                {
                    "items": [
                        g.approvals.view(x)
                        for x in g.approvals.list(
                            p.tenant_id, q.get("status"), _int_query(q, "limit", 100, 1, 500)
                        )
                    ]
                },
            ),
        ),
    ),
    (
        "GET",
        re.compile(r"/api/v1/approvals/(?P<id>[^/]+)"),
        _op(
            "get_approval",
            ("agent", "approver"),
            lambda g, p, a, q, b, r, k: (200, g.approvals.view(g.approvals.visible(p, a["id"]))),
        ),
    ),
    (
        "POST",
        re.compile(r"/api/v1/approvals/(?P<id>[^/]+)/approve"),
        _op(
            "approve",
            ("approver",),
            lambda g, p, a, q, b, r, k: (
                200,
                g.approvals.view(
                    g.approvals.decide(
                        p,
                        a["id"],
                        "approved",
                        schema.check_body(b or {}, "body", schema.APPROVAL_DECISION, ()).get("note"),
                    )
                ),
            ),
        ),
    ),
    (
        "POST",
        re.compile(r"/api/v1/approvals/(?P<id>[^/]+)/deny"),
        _op(
            "deny",
            ("approver",),
            lambda g, p, a, q, b, r, k: (
                200,
                g.approvals.view(
                    g.approvals.decide(
                        p,
                        a["id"],
                        "denied",
                        schema.check_body(b or {}, "body", schema.APPROVAL_DECISION, ()).get("note"),
                    )
                ),
            ),
        ),
    ),
    (
        "POST",
        re.compile(r"/api/v1/evidence"),
        _op("record_evidence", ("agent",), lambda g, p, a, q, b, r, k: g.op_record_evidence(p, b)),
    ),
    (
        "GET",
        re.compile(r"/api/v1/evidence"),
        _op("list_evidence", ("admin",), lambda g, p, a, q, b, r, k: g.op_list_evidence(p, q)),
    ),
    (
        "GET",
        re.compile(r"/api/v1/evidence/verify"),
        _op("verify_evidence", ("admin",), lambda g, p, a, q, b, r, k: g.op_verify_evidence(p)),
    ),
    (
        "GET",
        re.compile(r"/api/v1/evidence/export"),
        _op("export_evidence", ("admin",), lambda g, p, a, q, b, r, k: g.op_export_evidence(p)),
    ),
    (
        "GET",
        re.compile(r"/api/v1/tools"),
        _op("list_tools", ("admin",), lambda g, p, a, q, b, r, k: g.op_list_tools(p)),
    ),
    (
        "PUT",
        re.compile(r"/api/v1/tools/(?P<tool>[^/]+)"),
        _op("approve_tool", ("admin",), lambda g, p, a, q, b, r, k: g.op_approve_tool(p, a["tool"], b)),
    ),
    (
        "GET",
        re.compile(r"/api/v1/credentials"),
        _op("list_credentials", ("admin",), lambda g, p, a, q, b, r, k: g.op_list_credentials(p)),
    ),
    (
        "PUT",
        re.compile(r"/api/v1/credentials/(?P<credential>[^/]+)"),
        _op("put_credential", ("admin",), _put_credential),
    ),
    (
        "DELETE",
        re.compile(r"/api/v1/credentials/(?P<credential>[^/]+)"),
        _op("delete_credential", ("admin",), _delete_credential),
    ),
    (
        "GET",
        re.compile(r"/api/v1/policy"),
        _op("get_policy", ("admin",), lambda g, p, a, q, b, r, k: g.op_get_policy(p)),
    ),
    (
        "PUT",
        re.compile(r"/api/v1/policy"),
        _op("put_policy", ("admin",), lambda g, p, a, q, b, r, k: g.op_put_policy(p, b)),
    ),
    (
        "GET",
        re.compile(r"/api/v1/whoami"),
        _op("whoami", ("agent", "approver", "admin"), lambda g, p, a, q, b, r, k: g.op_whoami(p)),
    ),
]


_PATH_PARAMS: Final = {
    "jti": re.compile(r"ap_[A-Za-z0-9_-]{1,64}\Z"),
    "id": re.compile(r"apr_[A-Za-z0-9_-]{1,64}\Z"),
    "tool": schema.TOOL_NAME_STRING,
    "credential": re.compile(r"[A-Za-z0-9_.-]{1,128}\Z"),
}


def _check_path_params(params: dict[str, str]) -> None:
    for name, value in params.items():
        if not _PATH_PARAMS[name].match(value):
            raise invalid(f"path.{name}", f"must match {_PATH_PARAMS[name].pattern[:-2]}")


def _match(method: str, path: str) -> tuple[_Operation, dict[str, str]] | None:
    from urllib.parse import unquote

    allowed: list[str] = []
    for route_method, pattern, operation in _ROUTES:
        found = pattern.fullmatch(path)
        if found is None:
            continue
        if route_method != method:
            allowed.append(route_method)
            continue
        return operation, {k: unquote(v) for k, v in found.groupdict().items()}
    if allowed:
        raise GatewayError(
            405, "request.invalid", f"{method} {path} is not allowed; use {' or '.join(allowed)}."
        )
    return None
