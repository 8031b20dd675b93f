"""The route table: method and path to one operation, the roles it needs, and its path parameters."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Final

from . import _operations as operations
from . import _validate as schema
from ._errors import GatewayError, invalid

if TYPE_CHECKING:
    from ._gateway import LocalGateway
    from ._principal import Principal


@dataclass(frozen=True)
class Operation:
    name: str
    roles: tuple[str, ...]
    run: Callable[..., tuple[int, Any]]


def _op(name: str, roles: tuple[str, ...], call: Callable[..., tuple[int, Any]]) -> Operation:
    return Operation(name, roles, call)


def _body_only(
    run: Callable[[LocalGateway, Principal, Any], tuple[int, Any]],
) -> Callable[..., tuple[int, Any]]:
    """An operation that needs the caller and the body only."""
    return lambda g, p, a, q, b, r, k: run(g, p, b)


def _put_credential(g: LocalGateway, p: Principal, a: dict[str, str], *rest: Any) -> tuple[int, Any]:
    return operations.op_put_credential(g, p, a["credential"], rest[1])


def _delete_credential(g: LocalGateway, p: Principal, a: dict[str, str], *rest: Any) -> tuple[int, Any]:
    return operations.op_delete_credential(g, p, a["credential"])


_ROUTES: Final[list[tuple[str, re.Pattern[str], Operation]]] = [
    (
        "POST",
        re.compile(r"/api/v1/actions/preflight"),
        _op("preflight", ("agent",), lambda g, p, a, q, b, r, k: operations.op_preflight(g, p, b, r, k)),
    ),
    (
        "POST",
        re.compile(r"/api/v1/passports"),
        _op("issue_passport", ("agent",), lambda g, p, a, q, b, r, k: operations.op_issue_passport(g, p, b)),
    ),
    (
        "POST",
        re.compile(r"/api/v1/passports/verify"),
        _op("verify_passport", ("agent",), _body_only(operations.op_verify_passport)),
    ),
    (
        "POST",
        re.compile(r"/api/v1/passports/(?P<jti>[^/]+)/revoke"),
        _op(
            "revoke_passport",
            ("agent", "admin"),
            lambda g, p, a, q, b, r, k: operations.op_revoke_passport(g, p, a["jti"], b),
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
                            p.tenant_id, q.get("status"), operations.int_query(q, "limit", 100, 1, 500)
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
        _op("record_evidence", ("agent",), _body_only(operations.op_record_evidence)),
    ),
    (
        "GET",
        re.compile(r"/api/v1/evidence"),
        _op("list_evidence", ("admin",), lambda g, p, a, q, b, r, k: operations.op_list_evidence(g, p, q)),
    ),
    (
        "GET",
        re.compile(r"/api/v1/evidence/verify"),
        _op("verify_evidence", ("admin",), lambda g, p, a, q, b, r, k: operations.op_verify_evidence(g, p)),
    ),
    (
        "GET",
        re.compile(r"/api/v1/evidence/export"),
        _op("export_evidence", ("admin",), lambda g, p, a, q, b, r, k: operations.op_export_evidence(g, p)),
    ),
    (
        "GET",
        re.compile(r"/api/v1/tools"),
        _op("list_tools", ("admin",), lambda g, p, a, q, b, r, k: operations.op_list_tools(g, p)),
    ),
    (
        "PUT",
        re.compile(r"/api/v1/tools/(?P<tool>[^/]+)"),
        _op(
            "approve_tool",
            ("admin",),
            lambda g, p, a, q, b, r, k: operations.op_approve_tool(g, p, a["tool"], b),
        ),
    ),
    (
        "GET",
        re.compile(r"/api/v1/credentials"),
        _op("list_credentials", ("admin",), lambda g, p, a, q, b, r, k: operations.op_list_credentials(g, p)),
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
        _op("get_policy", ("admin",), lambda g, p, a, q, b, r, k: operations.op_get_policy(g, p)),
    ),
    (
        "PUT",
        re.compile(r"/api/v1/policy"),
        _op("put_policy", ("admin",), lambda g, p, a, q, b, r, k: operations.op_put_policy(g, p, b)),
    ),
    (
        "GET",
        re.compile(r"/api/v1/whoami"),
        _op("whoami", ("agent", "approver", "admin"), lambda g, p, a, q, b, r, k: operations.op_whoami(g, p)),
    ),
]


_PATH_PARAMS: Final = {
    "jti": re.compile(r"ap_[A-Za-z0-9_-]{1,64}\Z"),
    "id": re.compile(r"apr_[A-Za-z0-9_-]{1,64}\Z"),
    "tool": schema.TOOL_NAME_STRING,
    "credential": re.compile(r"[A-Za-z0-9_.-]{1,128}\Z"),
}


def check_path_params(params: dict[str, str]) -> None:
    for name, value in params.items():
        if not _PATH_PARAMS[name].match(value):
            raise invalid(f"path.{name}", f"must match {_PATH_PARAMS[name].pattern[:-2]}")


def match(method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
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
