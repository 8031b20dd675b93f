"""The runtime checker (driven by the generated types) against the contract itself, via jsonschema."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from actpass._validation import check_response

CONTRACT = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "packages" / "contract" / "openapi.yaml").read_text("utf-8")
)


def _examples() -> list[Any]:
    out = []
    for path, item in CONTRACT["paths"].items():
        for method, operation in item.items():
            for status, response in operation.get("responses", {}).items():
                content = response.get("content", {}).get("application/json")
                if not status.startswith("2") or not content:
                    continue
                schema = content["schema"]["$ref"].rsplit("/", 1)[1]
                for name, example in content.get("examples", {}).items():
                    out.append(pytest.param(schema, example["value"], id=f"{method} {path} {name}"))
    return out


EXAMPLES = _examples()


def _decision_example() -> dict[str, Any]:
    return copy.deepcopy(next(p.values[1] for p in EXAMPLES if p.values[0] == "Decision"))


def _jsonschema_valid(schema: str, value: Any) -> bool:
    document = {**CONTRACT, "$ref": f"#/components/schemas/{schema}"}
    validator = jsonschema.Draft202012Validator(document)
    return validator.is_valid(value)


def test_examples_found() -> None:
    assert len(EXAMPLES) >= 15


@pytest.mark.parametrize(("schema", "value"), EXAMPLES)
def test_contract_examples_pass(schema: str, value: Any) -> None:
    assert _jsonschema_valid(schema, value)
    assert check_response(schema, value) is None


@pytest.mark.parametrize(("schema", "value"), EXAMPLES)
def test_dropping_any_required_field_fails_both(schema: str, value: Any) -> None:
    required = CONTRACT["components"]["schemas"][schema].get("required", [])
    for key in required:
        broken = {k: v for k, v in value.items() if k != key}
        assert not _jsonschema_valid(schema, broken)
        assert check_response(schema, broken) == f"$.{key}: required field is missing"


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        (("decision",), "ALLOW"),
        (("mode",), "observe"),
        (("risk_tier",), None),
        (("enforced",), "true"),
        (("source",), "client"),
        (("explain", "matched_rules"), "refund-small"),
        (("explain", "next_steps", 0), 1),
        (("policy", "version"), "1"),
        (("policy", "version"), True),
        (("would_decision",), "maybe"),
    ],
)
def test_wrong_types_and_enums_fail_both(path: tuple[Any, ...], bad: Any) -> None:
    decision = _decision_example()
    decision["explain"]["next_steps"] = ["x"]
    target = decision
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    assert not _jsonschema_valid("Decision", decision)
    problem = check_response("Decision", decision)
    assert problem is not None and problem.startswith(
        "$." + ".".join(str(p) for p in path if isinstance(p, str))
    )


def test_unknown_fields_are_accepted_at_every_level() -> None:
    decision = _decision_example()
    decision["new_field"] = {"x": 1}
    decision["explain"]["confidence"] = "high"
    assert check_response("Decision", decision) is None
    assert _jsonschema_valid("Decision", decision)


@pytest.mark.parametrize("value", [None, [], "allow", 1])
def test_non_objects_fail(value: Any) -> None:
    assert check_response("Decision", value) == f"$: expected an object, got {type(value).__name__}".replace(
        "NoneType", "null"
    ).replace("list", "array").replace("str", "string").replace("int", "number")
