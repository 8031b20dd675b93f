"""Request bodies checked the way the contract describes them: unknown fields refused, every field typed
and bounded, the first problem named with its path (``body.goal``) and how to fix it."""

from __future__ import annotations

import re
from typing import Any, Final

from ._errors import invalid
from ._json import is_number, is_safe_integer

# The contract's ToolNameString: dot-separated segments, at most 256 characters.
TOOL_NAME_STRING: Final = re.compile(r"(?=.{1,256}\Z)[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*\Z", re.S)
SHA256_HEX: Final = re.compile(r"[0-9a-f]{64}\Z")
APPROVAL_ID: Final = re.compile(r"apr_[A-Za-z0-9_-]{1,64}\Z")
EVENT_ID: Final = re.compile(r"ev_[A-Za-z0-9_-]+\Z")
# At most this many outcome records ride on one preflight (the contract's maxItems).
OUTCOMES_MAX: Final = 16
MODES: Final = ("enforce", "monitor", "warn", "strict")

Spec = dict[str, tuple[str, dict[str, Any]]]


def _string(value: Any, path: str, rules: dict[str, Any]) -> None:
    if not isinstance(value, str):
        raise invalid(path, "must be a string")
    if len(value.encode("utf-16-le", "surrogatepass")) // 2 < rules.get("min", 0):
        raise invalid(path, f"must have at least {rules.get('min', 0)} character(s)")
    if "max" in rules and len(value.encode("utf-16-le", "surrogatepass")) // 2 > rules["max"]:
        raise invalid(path, f"must have at most {rules['max']} characters")
    pattern = rules.get("pattern")
    if pattern is not None and not pattern.match(value):
        raise invalid(path, f"must match {pattern.pattern.rstrip(chr(92) + 'Z')}")
    if "enum" in rules and value not in rules["enum"]:
        raise invalid(path, f"must be one of {', '.join(rules['enum'])}")


def check_field(value: Any, path: str, kind: str, rules: dict[str, Any]) -> None:
    if kind == "string":
        _string(value, path, rules)
    elif kind == "object":
        if not isinstance(value, dict):
            raise invalid(path, "must be an object")
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise invalid(path, "must be a boolean")
    elif kind == "integer":
        if not is_safe_integer(value):
            raise invalid(path, "must be an integer")
    elif kind == "number":
        if not is_number(value):
            raise invalid(path, "must be a number")
    elif kind == "strings":
        if not isinstance(value, list):
            raise invalid(path, "must be an array")
        if len(value) < rules.get("min_items", 0):
            raise invalid(path, f"must have at least {rules['min_items']} item(s)")
        if len(value) > rules.get("max_items", 10**9):
            raise invalid(path, f"must have at most {rules['max_items']} items")
        for i, item in enumerate(value):
            _string(item, f"{path}/{i}", rules.get("items", {}))
    elif kind == "tool_definition":
        check_body(value, path, TOOL_DEFINITION, ("name", "description", "input_schema"))
    elif kind == "outcomes":
        _outcomes(value, path)


def _outcomes(value: Any, path: str) -> None:
    """The contract's PiggybackedOutcome items: objects with a ``decision_event_id``, and anything beside."""
    if not isinstance(value, list):
        raise invalid(path, "must be an array")
    if len(value) > OUTCOMES_MAX:
        raise invalid(path, f"must have at most {OUTCOMES_MAX} items")
    for i, item in enumerate(value):
        if not isinstance(item, dict):
            raise invalid(f"{path}[{i}]", "must be an object")
        if "decision_event_id" not in item:
            raise invalid(f"{path}[{i}].decision_event_id", "is required", "add it")
        _string(item["decision_event_id"], f"{path}[{i}].decision_event_id", {"max": 67, "pattern": EVENT_ID})


def check_body(body: Any, path: str, spec: Spec, required: tuple[str, ...]) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise invalid(path, "must be a JSON object")
    for name in body:
        if name not in spec:
            raise invalid(f"{path}.{name}", "is not a known field", "remove it")
    for name in required:
        if name not in body:
            raise invalid(f"{path}.{name}", "is required", "add it")
    for name, value in body.items():
        kind, rules = spec[name]
        check_field(value, f"{path}.{name}", kind, rules)
    return body


TOOL_DEFINITION: Final[Spec] = {
    "name": ("string", {"pattern": TOOL_NAME_STRING}),
    "description": ("string", {"max": 8192}),
    "input_schema": ("object", {}),
    "output_schema": ("object", {}),
    "annotations": ("object", {}),
}

TOOL_APPROVAL: Final[Spec] = {**TOOL_DEFINITION, "acknowledge_findings": ("boolean", {})}

PREFLIGHT: Final[Spec] = {
    "goal": ("string", {"min": 1, "max": 512}),
    "tool": ("string", {"pattern": TOOL_NAME_STRING}),
    "resource": ("string", {"min": 1, "max": 1024}),
    "args": ("object", {}),
    "mode": ("string", {"enum": MODES}),
    "agent_id": ("string", {"min": 1, "max": 256}),
    "user_id": ("string", {"min": 1, "max": 256}),
    "tenant_id": ("string", {"min": 1, "max": 128}),
    "passport": ("string", {"min": 1, "max": 8192}),
    "approval_request_id": ("string", {"pattern": APPROVAL_ID}),
    "tool_definition": ("tool_definition", {}),
    "tool_hash": ("string", {"pattern": SHA256_HEX}),
    "context": ("object", {}),
    "outcomes": ("outcomes", {}),
}

ISSUE_PASSPORT: Final[Spec] = {
    "audience": ("string", {"min": 1, "max": 512}),
    "goal": ("string", {"min": 1, "max": 512}),
    "allowed_tools": ("strings", {"min_items": 1, "max_items": 100, "items": {"min": 1, "max": 256}}),
    "allowed_resources": ("strings", {"max_items": 100, "items": {"min": 1, "max": 1024}}),
    "resource_constraints": ("object", {}),
    "risk_tier": ("string", {"enum": ("low", "medium", "high", "critical")}),
    "agent_id": ("string", {"min": 1, "max": 256}),
    "user_id": ("string", {"min": 1, "max": 256}),
    "tenant_id": ("string", {"min": 1, "max": 128}),
    "action_hash": ("string", {"pattern": SHA256_HEX}),
    "ttl_seconds": ("integer", {}),
}

VERIFY_PASSPORT: Final[Spec] = {
    "token": ("string", {"min": 1, "max": 8192}),
    "audience": ("string", {"min": 1, "max": 512}),
    "tool": ("string", {"pattern": TOOL_NAME_STRING}),
    "resource": ("string", {"min": 1, "max": 1024}),
    "args": ("object", {}),
    "tenant_id": ("string", {"min": 1, "max": 128}),
}

REVOKE_PASSPORT: Final[Spec] = {"reason": ("string", {"min": 1, "max": 512})}
APPROVAL_DECISION: Final[Spec] = {"note": ("string", {"max": 2048})}
RECORD_EVIDENCE: Final[Spec] = {
    "type": ("string", {"max": 64, "pattern": re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*\Z")}),
    "data": ("object", {}),
}
