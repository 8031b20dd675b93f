"""Loading a policy: every problem, with its rule id and JSON path, as the TypeScript gateway reports them.

A policy is ``{id, version, description?, default?: {decision, reason?, risk_tier?}, rules: [...]}``; a
rule is ``{id, description?, when?, any?, decision, reason, risk_tier?}``; a condition is
``{path, operator, value?}``. Checking never stops at the first problem, and on success hands back a
deep copy made only of JSON values, so later edits to the caller's object cannot reach a loaded policy.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Callable, Final

from ._globs import is_tool_name, tool_glob_problem
from ._json import is_number, is_safe_integer
from ._path_within import path_within_value_problem

DECISIONS: Final = ("allow", "deny", "require_approval", "require_tool_reapproval", "warn")
RISK_TIERS: Final = ("low", "medium", "high", "critical")
OPERATORS: Final = (
    "==",
    "!=",
    ">",
    ">=",
    "<",
    "<=",
    "in",
    "not_in",
    "contains",
    "starts_with",
    "ends_with",
    "glob",
    "exists",
    "missing",
    "type",
    "path_within",
)
JSON_TYPES: Final = ("null", "boolean", "number", "integer", "string", "array", "object")
VALUELESS_OPERATORS: Final = ("exists", "missing")
PATH_ROOTS: Final = ("tool", "resource", "goal", "agent_id", "user_id", "mode", "args", "context", "passport")
REASON_CODE: Final = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)+\Z")
MAX_VALUE_DEPTH: Final = 64

_POLICY_KEYS = ("id", "version", "description", "default", "rules")
_DEFAULT_KEYS = ("decision", "reason", "risk_tier")
_RULE_KEYS = ("id", "description", "when", "any", "limit", "decision", "reason", "risk_tier")
# Rate limits and budgets count across calls in a shared store: a served-gateway feature.
_LIMIT_SERVED_ONLY = (
    "limit (rate limits and budgets) needs the served gateway (`actpass dev` or createGateway), which "
    "counts calls across processes; the in-process Python gateway refuses it: run that policy against a "
    "served gateway, or remove the limit for local tests"
)
_CONDITION_KEYS = ("path", "operator", "value")
_ORDERING = (">", ">=", "<", "<=")
_STRING_OPERATORS = ("starts_with", "ends_with", "glob", "path_within")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class PolicyProblem:
    """One thing wrong with a policy; ``rule_id`` is None outside rules or for a rule without a usable id."""

    rule_id: str | None
    path: str
    code: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "path": self.path, "code": self.code, "message": self.message}


Report = Callable[[str, str, str], None]


def member_path(base: str, key: str) -> str:
    """``base.key``, or ``base["odd key"]`` when the key is not an identifier (JSON.stringify quoting)."""
    if _IDENTIFIER.match(key):
        return key if base == "" else f"{base}.{key}"
    quoted = json.dumps(key, ensure_ascii=False)
    quoted = _LONE_SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)
    return f"{base}[{quoted}]"


def check_well_formed(text: str, at: str, report: Report) -> None:
    if _LONE_SURROGATE.search(text):
        report(at, "not_json", "string contains an unpaired surrogate")


def copy_json_value(raw: object, at: str, report: Report) -> Any:
    return _copy(raw, at, report, 0, set())


def _copy(raw: object, at: str, report: Report, depth: int, open_ids: set[int]) -> Any:
    if raw is None or isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        check_well_formed(raw, at, report)
        return raw
    if is_number(raw):
        if not is_safe_integer(raw):
            report(at, "unsafe_number", f"{raw} is not a safe integer (use integer minor units)")
        return raw
    if not isinstance(raw, (list, dict)):
        report(at, "not_json", "value is not a JSON value")
        return None
    if depth >= MAX_VALUE_DEPTH or id(raw) in open_ids:
        report(at, "invalid_value", f"value is cyclic or nested deeper than {MAX_VALUE_DEPTH}")
        return None
    open_ids.add(id(raw))
    result: Any
    if isinstance(raw, list):
        result = [_copy(item, f"{at}[{i}]", report, depth + 1, open_ids) for i, item in enumerate(raw)]
    else:
        result = {}
        for key, item in raw.items():
            if not isinstance(key, str):
                report(at, "not_json", "object keys must be strings")
                continue
            check_well_formed(key, member_path(at, key), report)
            result[key] = _copy(item, member_path(at, key), report, depth + 1, open_ids)
    open_ids.discard(id(raw))
    return result


class PolicyChecker:
    def __init__(self) -> None:
        self.problems: list[PolicyProblem] = []

    def policy(self, raw: object) -> dict[str, Any] | None:
        fields = self._object(raw, "$", None, _POLICY_KEYS)
        if fields is None:
            return None
        policy: dict[str, Any] = {}
        policy["id"] = self._non_empty_string(fields, "id", "", None, required=True)
        policy["version"] = self._version(fields)
        self._optional_string(fields, "description", "", None, policy)
        if "default" in fields:
            fallback = self._object(fields["default"], "default", None, _DEFAULT_KEYS)
            if fallback is not None:
                copy: dict[str, Any] = {"decision": self._decision(fallback, "default", None)}
                if "reason" in fallback:
                    copy["reason"] = self._reason(fallback, "default", None)
                if "risk_tier" in fallback:
                    copy["risk_tier"] = self._risk_tier(fallback, "default", None)
                policy["default"] = copy
        policy["rules"] = self._rules(fields)
        return policy

    def _rules(self, fields: dict[str, Any]) -> list[dict[str, Any]]:
        if "rules" not in fields:
            self._report(None, "rules", "missing_field", "rules is required (it may be an empty array)")
            return []
        raw_rules = fields["rules"]
        if not isinstance(raw_rules, list):
            self._report(None, "rules", "invalid_type", "rules must be an array")
            return []
        seen: set[str] = set()
        rules: list[dict[str, Any]] = []
        for i, raw in enumerate(raw_rules):
            at = f"rules[{i}]"
            raw_id = raw.get("id") if isinstance(raw, dict) else None
            rule_id = raw_id if isinstance(raw_id, str) and raw_id else None
            rule = self._object(raw, at, rule_id, _RULE_KEYS)
            if rule is None:
                continue
            copy: dict[str, Any] = {"id": self._non_empty_string(rule, "id", f"{at}.", None, required=True)}
            if rule_id is not None:
                if rule_id in seen:
                    self._report(
                        rule_id, f"{at}.id", "duplicate_rule_id", f'rule id "{rule_id}" is already used'
                    )
                seen.add(rule_id)
            self._optional_string(rule, "description", f"{at}.", rule_id, copy)
            for kind in ("when", "any"):
                if kind in rule:
                    copy[kind] = self._conditions(rule[kind], f"{at}.{kind}", rule_id, kind)
            if "limit" in rule:
                self._report(rule_id, f"{at}.limit", "invalid_value", _LIMIT_SERVED_ONLY)
            copy["decision"] = self._decision(rule, at, rule_id)
            copy["reason"] = self._reason(rule, at, rule_id, required=True)
            if "risk_tier" in rule:
                copy["risk_tier"] = self._risk_tier(rule, at, rule_id)
            rules.append(copy)
        return rules

    def _conditions(self, raw: object, at: str, rule_id: str | None, kind: str) -> list[Any]:
        if not isinstance(raw, list):
            self._report(rule_id, at, "invalid_type", f"{kind} must be an array of conditions")
            return []
        if kind == "any" and not raw:
            # An empty `any` can never hold, so the rule could never match: almost certainly a mistake.
            self._report(
                rule_id, at, "invalid_value", "any must list at least one condition (omit it instead)"
            )
        return [self._condition(c, f"{at}[{i}]", rule_id) for i, c in enumerate(raw)]

    def _condition(self, raw: object, at: str, rule_id: str | None) -> dict[str, Any] | None:
        fields = self._object(raw, at, rule_id, _CONDITION_KEYS)
        if fields is None:
            return None
        copy: dict[str, Any] = {"path": self._path(fields, at, rule_id)}
        operator: str | None = None
        if "operator" not in fields:
            self._report(rule_id, f"{at}.operator", "missing_field", "operator is required")
        elif not isinstance(fields["operator"], str):
            self._report(rule_id, f"{at}.operator", "invalid_type", "operator must be a string")
        elif fields["operator"] not in OPERATORS:
            self._report(
                rule_id, f"{at}.operator", "unknown_operator", f'unknown operator "{fields["operator"]}"'
            )
        else:
            operator = fields["operator"]
        copy["operator"] = fields.get("operator")
        valueless = operator is not None and operator in VALUELESS_OPERATORS
        if "value" not in fields:
            if operator is not None and not valueless:
                self._report(rule_id, f"{at}.value", "missing_field", f'operator "{operator}" needs a value')
            return copy
        if valueless:
            self._report(rule_id, f"{at}.value", "unexpected_value", f'operator "{operator}" takes no value')
        before = len(self.problems)
        copy["value"] = copy_json_value(
            fields["value"],
            f"{at}.value",
            lambda path, code, message: self._report(rule_id, path, code, message),
        )
        if operator is not None and not valueless and len(self.problems) == before:
            self._operand(operator, copy["value"], f"{at}.value", rule_id)
        if copy["path"] == "tool" and operator is not None and len(self.problems) == before:
            self._tool_operand(operator, copy["value"], f"{at}.value", rule_id)
        return copy

    def _operand(self, operator: str, value: Any, at: str, rule_id: str | None) -> None:
        """A value of the wrong kind would make the condition constant, so it is refused at load time."""
        if operator in ("in", "not_in") and not isinstance(value, list):
            self._report(rule_id, at, "invalid_value", f'operator "{operator}" needs an array value')
        elif operator in _STRING_OPERATORS and not isinstance(value, str):
            self._report(rule_id, at, "invalid_value", f'operator "{operator}" needs a string value')
        elif operator in _ORDERING and not (is_number(value) or isinstance(value, str)):
            self._report(
                rule_id, at, "invalid_value", f'operator "{operator}" needs a number or a string value'
            )
        elif operator == "type" and not (isinstance(value, str) and value in JSON_TYPES):
            self._report(
                rule_id, at, "invalid_value", f'operator "type" needs one of: {", ".join(JSON_TYPES)}'
            )
        elif operator == "path_within" and isinstance(value, str):
            problem = path_within_value_problem(value)
            if problem:
                self._report(rule_id, at, "invalid_value", problem)

    def _tool_operand(self, operator: str, value: Any, at: str, rule_id: str | None) -> None:
        """A tool condition naming something no tool can be called could never hold (or hold wrongly)."""
        not_a_name = "is not a tool name (dot-separated [A-Za-z0-9_-]+)"
        if operator == "glob" and isinstance(value, str):
            problem = tool_glob_problem(value)
            if problem:
                self._report(rule_id, at, "invalid_value", problem)
        elif operator in ("==", "!=") and isinstance(value, str) and not is_tool_name(value):
            self._report(rule_id, at, "invalid_value", f'"{value}" {not_a_name}')
        elif operator in ("in", "not_in") and isinstance(value, list):
            for i, name in enumerate(value):
                if isinstance(name, str) and not is_tool_name(name):
                    self._report(rule_id, f"{at}[{i}]", "invalid_value", f'"{name}" {not_a_name}')

    def _path(self, fields: dict[str, Any], at: str, rule_id: str | None) -> str | None:
        if "path" not in fields:
            self._report(rule_id, f"{at}.path", "missing_field", "path is required")
            return None
        path = fields["path"]
        if not isinstance(path, str):
            self._report(rule_id, f"{at}.path", "invalid_type", "path must be a dotted string")
            return None
        self._well_formed(path, f"{at}.path", rule_id)
        segments = path.split(".")
        if any(not segment for segment in segments):
            self._report(rule_id, f"{at}.path", "empty_path_segment", f'path "{path}" has an empty segment')
        elif segments[0] not in PATH_ROOTS:
            self._report(
                rule_id,
                f"{at}.path",
                "bad_path_root",
                f'path "{path}" must start with one of {", ".join(PATH_ROOTS)}',
            )
        return path

    def _well_formed(self, text: str, at: str, rule_id: str | None) -> None:
        check_well_formed(text, at, lambda path, code, message: self._report(rule_id, path, code, message))

    def _version(self, fields: dict[str, Any]) -> Any:
        if "version" not in fields:
            self._report(None, "version", "missing_field", "version is required")
            return None
        version = fields["version"]
        if not is_number(version):
            self._report(None, "version", "invalid_type", "version must be an integer")
        elif not is_safe_integer(version):
            self._report(None, "version", "unsafe_number", "version must be a safe integer")
        elif version < 1:
            self._report(None, "version", "invalid_value", "version must be at least 1")
        return version

    def _decision(self, fields: dict[str, Any], at: str, rule_id: str | None) -> Any:
        where = f"{at}.decision"
        if "decision" not in fields:
            self._report(rule_id, where, "missing_field", "decision is required")
        elif not (isinstance(fields["decision"], str) and fields["decision"] in DECISIONS):
            self._report(
                rule_id, where, "invalid_decision", f"decision must be one of {', '.join(DECISIONS)}"
            )
        return fields.get("decision")

    def _reason(self, fields: dict[str, Any], at: str, rule_id: str | None, required: bool = False) -> Any:
        where = f"{at}.reason"
        if "reason" not in fields:
            if required:
                self._report(rule_id, where, "missing_field", "reason is required")
        elif not isinstance(fields["reason"], str) or not REASON_CODE.match(fields["reason"]):
            self._report(
                rule_id,
                where,
                "invalid_reason",
                "reason must be a dotted lowercase code, e.g. refund.too_large",
            )
        return fields.get("reason")

    def _risk_tier(self, fields: dict[str, Any], at: str, rule_id: str | None) -> Any:
        tier = fields.get("risk_tier")
        if not (isinstance(tier, str) and tier in RISK_TIERS):
            self._report(
                rule_id,
                f"{at}.risk_tier",
                "invalid_risk_tier",
                f"risk_tier must be one of {', '.join(RISK_TIERS)}",
            )
        return tier

    def _non_empty_string(
        self, fields: dict[str, Any], key: str, prefix: str, rule_id: str | None, required: bool
    ) -> Any:
        if key not in fields:
            if required:
                self._report(rule_id, prefix + key, "missing_field", f"{key} is required")
            return None
        value = fields[key]
        if not isinstance(value, str) or not value:
            self._report(rule_id, prefix + key, "invalid_type", f"{key} must be a non-empty string")
        else:
            self._well_formed(value, prefix + key, rule_id)
        return value

    def _optional_string(
        self, fields: dict[str, Any], key: str, prefix: str, rule_id: str | None, into: dict[str, Any]
    ) -> None:
        if key not in fields:
            return
        value = fields[key]
        if not isinstance(value, str):
            self._report(rule_id, prefix + key, "invalid_type", f"{key} must be a string")
        else:
            self._well_formed(value, prefix + key, rule_id)
        into[key] = value

    def _object(
        self, raw: object, at: str, rule_id: str | None, allowed: tuple[str, ...]
    ) -> dict[str, Any] | None:
        if not isinstance(raw, dict):
            self._report(rule_id, at, "invalid_type", "expected an object")
            return None
        for key in raw:
            if key not in allowed:
                where = member_path("", key) if at == "$" else member_path(at, key)
                self._report(rule_id, where, "unknown_key", f'unknown key "{key}"')
        return raw

    def _report(self, rule_id: str | None, path: str, code: str, message: str) -> None:
        self.problems.append(PolicyProblem(rule_id, path, code, message))


def check_policy(raw: object) -> tuple[dict[str, Any] | None, list[PolicyProblem]]:
    """The validated copy and no problems, or None and every problem found."""
    checker = PolicyChecker()
    policy = checker.policy(raw)
    if checker.problems:
        return None, checker.problems
    return policy, []
