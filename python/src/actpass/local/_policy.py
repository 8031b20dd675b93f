"""Policies: load (validate and compile) and evaluate, decision for decision as the TypeScript gateway.

The first rule (in policy order) whose conditions hold wins: every ``when`` condition, and at least one
``any`` condition when ``any`` is present. No match answers the policy's ``default``, which itself
defaults to ``deny`` / ``policy.no_match``. Every operator is total: a missing path is false for all but
``missing``, a type mismatch is false, nothing is coerced. Evaluation never raises.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any, Callable, Final

from .._canonical import canonical_bytes
from ._globs import GlobMatcher, compile_glob, compile_resource_glob, compile_tool_glob
from ._json import (
    MISSING,
    is_finite_number,
    is_number,
    is_safe_integer,
    json_equals,
    own_value,
    resolve_path,
    utf16_key,
)
from ._path_within import bind_path_within
from ._policy_check import PolicyProblem, check_policy

NO_MATCH_REASON: Final = "policy.no_match"
DEFAULT_DECISION: Final = "deny"
# An omitted tier never understates risk: anything that blocks an action is at least `high`.
RISK_TIER_BY_DECISION: Final = {
    "allow": "low",
    "warn": "medium",
    "require_approval": "medium",
    "require_tool_reapproval": "medium",
    "deny": "high",
}
UNREADABLE_INPUT_REASON: Final = "request.invalid"

ConditionTest = Callable[[Any, bool], bool]


class PolicyError(ValueError):
    """A policy that does not load; ``problems`` lists every problem found."""

    code = "policy.invalid"

    def __init__(self, problems: list[PolicyProblem]) -> None:
        shown = "; ".join(f"{p.path}: {p.message}" for p in problems[:5])
        more = f"; and {len(problems) - 5} more" if len(problems) > 5 else ""
        super().__init__(f"invalid policy ({len(problems)} problem(s)): {shown}{more}")
        self.problems = problems


@dataclass(frozen=True)
class CompiledCondition:
    source: dict[str, Any]
    root: str
    segments: tuple[str, ...]
    test: ConditionTest


@dataclass(frozen=True)
class CompiledRule:
    id: str
    when: tuple[CompiledCondition, ...]
    any: tuple[CompiledCondition, ...] | None
    decision: str
    reason_code: str
    risk_tier: str
    description: str | None


@dataclass(frozen=True)
class CompiledPolicy:
    source: dict[str, Any]
    id: str
    version: int
    rules: tuple[CompiledRule, ...]
    fallback: dict[str, Any]
    by_tool: dict[str, tuple[int, ...]]
    wildcard: tuple[int, ...]
    hash: str = field(default="")


def compile_policy(raw: object) -> tuple[CompiledPolicy | None, list[PolicyProblem]]:
    """The compiled policy, or None and every problem. Never raises."""
    source, problems = check_policy(raw)
    if source is None:
        return None, problems
    return _assemble(source), []


def load_policy(raw: object) -> CompiledPolicy:
    """As :func:`compile_policy`, but raises :class:`PolicyError` listing every problem."""
    policy, problems = compile_policy(raw)
    if policy is None:
        raise PolicyError(problems)
    return policy


def policy_hash(source: dict[str, Any]) -> str:
    """Hex SHA-256 of the policy's canonical form: member order and whitespace do not change it."""
    return hashlib.sha256(canonical_bytes(source)).hexdigest()


def _assemble(source: dict[str, Any]) -> CompiledPolicy:
    rules = tuple(_compile_rule(rule) for rule in source["rules"])
    default = source.get("default") or {}
    decision = default.get("decision", DEFAULT_DECISION)
    fallback = {
        "decision": decision,
        "reason_code": default.get("reason", NO_MATCH_REASON),
        "risk_tier": default.get("risk_tier", RISK_TIER_BY_DECISION[decision]),
        "matched_rule": None,
    }
    by_tool, wildcard = _tool_index(rules)
    return CompiledPolicy(
        source=source,
        id=source["id"],
        version=source["version"],
        rules=rules,
        fallback=fallback,
        by_tool=by_tool,
        wildcard=wildcard,
        hash=policy_hash(source),
    )


def _compile_rule(rule: dict[str, Any]) -> CompiledRule:
    return CompiledRule(
        id=rule["id"],
        when=tuple(_compile_condition(c) for c in rule.get("when", [])),
        any=None if "any" not in rule else tuple(_compile_condition(c) for c in rule["any"]),
        decision=rule["decision"],
        reason_code=rule["reason"],
        risk_tier=rule.get("risk_tier", RISK_TIER_BY_DECISION[rule["decision"]]),
        description=rule.get("description"),
    )


def _compile_condition(condition: dict[str, Any]) -> CompiledCondition:
    root, *segments = condition["path"].split(".")
    return CompiledCondition(
        source=condition,
        root=root,
        segments=tuple(segments),
        test=bind_operator(condition["operator"], condition.get("value"), condition["path"]),
    )


def _tool_index(rules: tuple[CompiledRule, ...]) -> tuple[dict[str, tuple[int, ...]], tuple[int, ...]]:
    """Rules keyed to one exact tool (a `when` condition `tool == "<name>"`) and the rest, in policy order.

    Evaluation walks only the rules that can apply to the action's tool; first-match order is unchanged,
    and so is the trace, which lists exactly the conditions evaluated (as the TypeScript evaluator's).
    """
    keyed: dict[str, list[int]] = {}
    wildcard: list[int] = []
    for i, rule in enumerate(rules):
        tool = next(
            (
                c.source["value"]
                for c in rule.when
                if c.source["path"] == "tool"
                and c.source["operator"] == "=="
                and isinstance(c.source.get("value"), str)
            ),
            None,
        )
        if tool is None:
            wildcard.append(i)
        else:
            keyed.setdefault(tool, []).append(i)
    by_tool = {tool: tuple(sorted(bucket + wildcard)) for tool, bucket in keyed.items()}
    return by_tool, tuple(wildcard)


def glob_for(path: str, pattern: str) -> GlobMatcher:
    """`glob` follows the name rules of what it reads: tool globs on `tool`, resource globs on `resource`."""
    if path == "tool":
        return compile_tool_glob(pattern)
    if path == "resource":
        return compile_resource_glob(pattern)
    return compile_glob(pattern)


def bind_operator(operator: str, value: Any, path: str = "") -> ConditionTest:
    if operator == "exists":
        return lambda _a, present: present
    if operator == "missing":
        return lambda _a, present: not present
    if operator == "==":
        return lambda a, present: present and json_equals(value, a)
    if operator == "!=":
        return lambda a, present: present and not json_equals(value, a)
    if operator in (">", ">=", "<", "<="):
        return _ordering(operator, value)
    if operator == "in":
        return lambda a, present: present and any(json_equals(c, a) for c in value)
    if operator == "not_in":
        return lambda a, present: present and not any(json_equals(c, a) for c in value)
    if operator == "contains":
        return lambda a, present: present and _contains(a, value)
    if operator == "starts_with":
        return lambda a, present: present and isinstance(a, str) and a.startswith(value)
    if operator == "ends_with":
        return lambda a, present: present and isinstance(a, str) and a.endswith(value)
    if operator == "type":
        return lambda a, present: present and _has_json_type(a, value)
    if operator == "glob":
        matches = glob_for(path, value)
        return lambda a, present: present and isinstance(a, str) and matches(a)
    if operator == "path_within":
        within = bind_path_within(value)
        return lambda a, present: present and within(a)
    return lambda _a, _present: False


def _ordering(operator: str, value: Any) -> ConditionTest:
    """Ordering holds only between two numbers or two strings; strings compare by UTF-16 code units."""
    if isinstance(value, str):
        bound_key = utf16_key(value)
        ascii_bound = value.isascii()

        def key_of(a: str) -> Any:
            return a if ascii_bound and a.isascii() else utf16_key(a)

        def bound_of(a: str) -> Any:
            return value if ascii_bound and a.isascii() else bound_key

        compare = _COMPARE[operator]
        return lambda a, present: present and isinstance(a, str) and compare(key_of(a), bound_of(a))
    compare = _COMPARE[operator]
    return lambda a, present: present and is_number(a) and compare(a, value)


_COMPARE: Final[dict[str, Callable[[Any, Any], bool]]] = {
    ">": lambda a, b: a > b,
    ">=": lambda a, b: a >= b,
    "<": lambda a, b: a < b,
    "<=": lambda a, b: a <= b,
}


def _contains(actual: Any, value: Any) -> bool:
    if isinstance(actual, str):
        return isinstance(value, str) and value in actual
    if isinstance(actual, list):
        return any(json_equals(value, element) for element in actual)
    return False


def _has_json_type(actual: Any, kind: str) -> bool:
    if kind == "null":
        return actual is None
    if kind == "boolean":
        return isinstance(actual, bool)
    if kind == "number":
        return is_finite_number(actual)
    if kind == "integer":
        return is_safe_integer(actual)
    if kind == "string":
        return isinstance(actual, str)
    if kind == "array":
        return isinstance(actual, list)
    if kind == "object":
        return isinstance(actual, dict)
    return False


def evaluate(policy: CompiledPolicy, data: dict[str, Any], trace: bool = False) -> dict[str, Any]:
    """Decide one input ``{tool, resource?, goal, agent_id?, user_id?, mode, args, context, passport?}``.

    Returns ``{decision, reason_code, risk_tier, matched_rule}`` and, with ``trace``, ``trace``: one entry
    per evaluated condition ``{rule_id, index, kind, path, operator, value?, actual?, held}``.
    """
    entries: list[dict[str, Any]] | None = [] if trace else None
    try:
        tool = own_value(data, "tool")
        candidates = policy.by_tool.get(tool, policy.wildcard) if isinstance(tool, str) else policy.wildcard
        return _decide(policy, data, candidates, entries)
    except Exception:  # only reachable with non-JSON in-process input; never answer the default then
        outcome: dict[str, Any] = {
            "decision": "deny",
            "reason_code": UNREADABLE_INPUT_REASON,
            "risk_tier": "high",
            "matched_rule": None,
        }
        if entries is not None:
            outcome["trace"] = entries
        return outcome


def evaluate_linear(policy: CompiledPolicy, data: dict[str, Any], trace: bool = False) -> dict[str, Any]:
    """The same decision by a plain scan of every rule; the reference the indexed path is tested against."""
    entries: list[dict[str, Any]] | None = [] if trace else None
    return _decide(policy, data, range(len(policy.rules)), entries)


def _decide(
    policy: CompiledPolicy, data: dict[str, Any], candidates: Any, entries: list[dict[str, Any]] | None
) -> dict[str, Any]:
    roots: dict[str, Any] = {}
    outcome: dict[str, Any] = dict(policy.fallback)
    for index in candidates:
        rule = policy.rules[index]
        if _matches(rule, data, roots, entries):
            outcome = {
                "decision": rule.decision,
                "reason_code": rule.reason_code,
                "risk_tier": rule.risk_tier,
                "matched_rule": rule.id,
            }
            break
    if entries is not None:
        outcome["trace"] = entries
    return outcome


def _matches(
    rule: CompiledRule, data: dict[str, Any], roots: dict[str, Any], entries: list[dict[str, Any]] | None
) -> bool:
    for i, condition in enumerate(rule.when):
        if not _holds(condition, data, roots, entries, rule.id, "when", i):
            return False
    if rule.any is None:
        return True
    return any(_holds(c, data, roots, entries, rule.id, "any", i) for i, c in enumerate(rule.any))


def _holds(
    condition: CompiledCondition,
    data: dict[str, Any],
    roots: dict[str, Any],
    entries: list[dict[str, Any]] | None,
    rule_id: str,
    kind: str,
    index: int,
) -> bool:
    root = roots.get(condition.root, roots)
    if root is roots:
        root = own_value(data, condition.root)
        roots[condition.root] = root
    actual = root if root is MISSING or not condition.segments else resolve_path(root, condition.segments)
    present = actual is not MISSING
    held = condition.test(actual if present else None, present)
    if entries is not None:
        source = condition.source
        entry: dict[str, Any] = {
            "rule_id": rule_id,
            "index": index,
            "kind": kind,
            "path": source["path"],
            "operator": source["operator"],
            "held": held,
        }
        if "value" in source:
            entry["value"] = source["value"]
        if present:
            entry["actual"] = actual
        entries.append(entry)
    return held
