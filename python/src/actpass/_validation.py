"""Response checks driven by the generated TypedDicts.

The runtime cannot depend on jsonschema, so this reads the generated classes' annotation strings
(``NotRequired[DecisionValue]``, ``list[str]``, ``ChainHead | None`` …) and compiles each into a small
checker: required keys, JSON types and enum values are enforced; unknown extra keys are accepted so a
newer gateway can add fields. The string patterns a decision's trust rests on (hashes and ids) are
checked too, from the tables at the bottom; other patterns and lengths are left to the gateway.
"""

from __future__ import annotations

import re
import typing
from typing import Any, Callable, ForwardRef, Optional

__all__ = ["check_response"]

# Returns None when the value fits, else a message naming the JSON path.
_Checker = Callable[[Any, str], Optional[str]]

_compiled: dict[str, _Checker] = {}


def check_response(schema: str, value: Any) -> str | None:
    """Check ``value`` against the generated type ``schema`` (e.g. ``"Decision"``); None when it fits."""
    checker = _compiled.get(schema)
    if checker is None:
        checker = _compiled[schema] = _object_checker(getattr(_contract(), schema))
    return checker(value, "$")


def _contract() -> Any:
    # Imported on the first response, not with the package: building ~50 TypedDicts costs import time.
    from ._generated import contract

    return contract


def _object_checker(cls: type) -> _Checker:
    fields: list[tuple[str, bool, _Checker]] = []
    for key, annotation in cls.__annotations__.items():
        # A TypedDict written in functional form (a field named like a keyword, e.g. `from`) holds
        # evaluated annotations, whose text carries the `typing.` prefix.
        if isinstance(annotation, ForwardRef):
            text = annotation.__forward_arg__
        elif isinstance(annotation, type):
            text = annotation.__name__
        else:
            text = str(annotation).replace("typing.", "")
        required = True
        if text.startswith("NotRequired[") and text.endswith("]"):
            required, text = False, text[len("NotRequired[") : -1]
        pattern = _FIELD_PATTERNS.get((cls.__name__, key))
        fields.append((key, required, _pattern(pattern) if pattern else _compile(text)))

    def check(value: Any, path: str) -> str | None:
        if not isinstance(value, dict):
            return f"{path}: expected an object, got {_json_type(value)}"
        for key, required, field_check in fields:
            if key not in value:
                if required:
                    return f"{path}.{key}: required field is missing"
                continue
            problem = field_check(value[key], f"{path}.{key}")
            if problem:
                return problem
        return None

    return check


def _compile(text: str) -> _Checker:
    text = text.strip()
    alternatives = _split_top_level(text, "|")
    if len(alternatives) > 1:
        return _union([_compile(part) for part in alternatives])
    head, _, rest = text.partition("[")
    if rest:
        inner = rest[:-1]
        if head == "Literal":
            import ast  # only when the first response is checked, not with the package

            return _enum(ast.literal_eval(f"({inner},)"))
        if head == "list":
            return _array(_compile(inner))
        if head == "dict":
            return _typed(dict, "an object")
        raise TypeError(f"unsupported annotation in generated types: {text}")
    return _named(text)


def _named(name: str) -> _Checker:
    if name == "Any":
        return lambda value, path: None
    if name in _ALIAS_PATTERNS:
        return _pattern(_ALIAS_PATTERNS[name])
    if name == "None":
        return _typed(type(None), "null")
    target = _BUILTINS.get(name) or getattr(_contract(), name)
    if target in _TYPE_CHECKERS:
        return _TYPE_CHECKERS[target]
    if typing.get_origin(target) is typing.Literal:
        return _enum(typing.get_args(target))
    if isinstance(target, type) and issubclass(target, dict):
        # JsonObject has no fields: any object fits.
        return _object_checker(target)
    raise TypeError(f"unsupported name in generated types: {name}")


def _union(options: list[_Checker]) -> _Checker:
    def check(value: Any, path: str) -> str | None:
        problems = [option(value, path) for option in options]
        return None if None in problems else problems[0]

    return check


def _array(item_check: _Checker) -> _Checker:
    def check(value: Any, path: str) -> str | None:
        if not isinstance(value, list):
            return f"{path}: expected an array, got {_json_type(value)}"
        for index, item in enumerate(value):
            problem = item_check(item, f"{path}[{index}]")
            if problem:
                return problem
        return None

    return check


def _enum(allowed: tuple[Any, ...]) -> _Checker:
    def check(value: Any, path: str) -> str | None:
        # `1 == True` in Python; JSON keeps them apart.
        if any(value == option and type(value) is type(option) for option in allowed):
            return None
        shown = repr(value)[:64] if isinstance(value, (str, int, float)) else _json_type(value)
        return f"{path}: {shown} is not one of {', '.join(map(str, allowed))}"

    return check


def _pattern(pattern: re.Pattern[str]) -> _Checker:
    def check(value: Any, path: str) -> str | None:
        if not isinstance(value, str):
            return f"{path}: expected a string, got {_json_type(value)}"
        if pattern.fullmatch(value) is None:
            return f"{path}: does not match {pattern.pattern}"
        return None

    return check


def _typed(kind: type | tuple[type, ...], label: str, *, not_bool: bool = False) -> _Checker:
    def check(value: Any, path: str) -> str | None:
        if isinstance(value, kind) and not (not_bool and isinstance(value, bool)):
            return None
        return f"{path}: expected {label}, got {_json_type(value)}"

    return check


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    return "array" if isinstance(value, list) else "object" if isinstance(value, dict) else "unknown"


def _split_top_level(text: str, separator: str) -> list[str]:
    parts, depth, start = [], 0, 0
    for index, char in enumerate(text):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts]


_BUILTINS: dict[str, Any] = {"str": str, "int": int, "float": float, "bool": bool}
_TYPE_CHECKERS: dict[Any, _Checker] = {
    str: _typed(str, "a string"),
    int: _typed(int, "an integer", not_bool=True),
    float: _typed((int, float), "a number", not_bool=True),
    bool: _typed(bool, "a boolean"),
}

# The contract's patterns for hashes and ids (packages/contract/openapi.yaml). A decision whose
# evidence id or hashes are malformed did not come from a gateway that sealed it: fail closed.
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")
_EVIDENCE_ID = re.compile(r"ev_[A-Za-z0-9_-]+")
_APPROVAL_ID = re.compile(r"apr_[A-Za-z0-9_-]+")
_PASSPORT_ID = re.compile(r"ap_[A-Za-z0-9_-]+")
_REASON_CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")
_ALIAS_PATTERNS: dict[str, re.Pattern[str]] = {"Sha256Hex": _SHA256_HEX, "ReasonCode": _REASON_CODE}
_FIELD_PATTERNS: dict[tuple[str, str], re.Pattern[str]] = {
    ("Decision", "evidence_event_id"): _EVIDENCE_ID,
    ("Decision", "approval_request_id"): _APPROVAL_ID,
    ("EvidenceEvent", "id"): _EVIDENCE_ID,
    ("ApprovalRequest", "id"): _APPROVAL_ID,
    ("IssuedPassport", "jti"): _PASSPORT_ID,
}
