"""Approved tool definitions, drift and held definitions: approving pins a definition's hash after
inspecting it; a preflight presenting anything else is held until a person re-approves it, and one
presenting a definition with a ``high`` finding nobody acknowledged is held as ``tool.suspicious``."""

from __future__ import annotations

from typing import Any, Callable, Final

from ._errors import GatewayError, invalid
from ._ids import canonical_sha256, iso_ms
from ._inspect import (
    describe_high,
    has_high_finding,
    inspect_for_approval,
    inspect_tool_definition,
    ledger_findings,
)

# Definitions whose verdict is remembered by hash, so a preflight does not inspect the same one again.
_VERDICT_CACHE_MAX: Final = 1_000

Drift = tuple[str, str, str]
Findings = list[dict[str, str]]  # (reason code, message, next step)


class ToolRegistry:
    """One tenant-keyed registry of approved definitions, with the verdicts of presented ones cached."""

    def __init__(self) -> None:
        self._tools: dict[str, dict[str, dict[str, Any]]] = {}
        self._verdicts: dict[str, Findings] = {}

    def approve(
        self,
        tenant_id: str,
        name: str,
        body: dict[str, Any],
        now_ms: int,
        record: Callable[[dict[str, Any]], None],
    ) -> dict[str, Any]:
        """Inspects, seals the ``tool.approved`` event with ``record``, then stores the approval; raises 409
        (``tool.suspicious``) for a ``high`` finding approved without ``acknowledge_findings: true``."""
        definition = {k: v for k, v in body.items() if k != "acknowledge_findings"}
        if definition["name"] != name:
            raise invalid("body.name", f'must equal "{name}"', "use the tool name of the path")
        others = sorted(n for n in self._tools.get(tenant_id, {}) if n != name)
        findings = inspect_for_approval(definition, others)
        held = has_high_finding(findings)
        if held and body.get("acknowledge_findings") is not True:
            raise _suspicious_error(name, findings)
        approved = {
            "name": name,
            "hash": canonical_sha256(definition),
            "definition": definition,
            "approved_at": iso_ms(now_ms),
            "findings": findings,
            "findings_acknowledged": held,
        }
        # The findings are the tool author's text, decoded: what the approver saw, kept as evidence.
        record(
            {
                "name": name,
                "hash": approved["hash"],
                **ledger_findings(findings),
                "findings_acknowledged": held,
            }
        )
        self._tools.setdefault(tenant_id, {})[name] = approved
        return approved

    def approved(self, tenant_id: str) -> list[dict[str, Any]]:
        tools = self._tools.get(tenant_id, {})
        return [tools[n] for n in sorted(tools)]

    def find_drift(
        self,
        tenant_id: str,
        tool: str,
        definition: dict[str, Any] | None,
        tool_hash: str | None,
        *,
        strict: bool,
    ) -> Drift | None:
        """None when the presented tool matches what was approved (or nothing can be compared)."""
        if definition is not None and definition.get("name") != tool:
            raise invalid("body.tool_definition.name", "must equal body.tool")
        presented = canonical_sha256(definition) if definition is not None else tool_hash
        if presented is None and not strict:
            return None
        approved = self._tools.get(tenant_id, {}).get(tool)
        if approved is None:
            # A definition nobody approved is still inspected: a poisoned one is held even outside strict.
            suspicious = self._suspicious(tool, definition, presented) if definition is not None else None
            if suspicious is not None:
                return suspicious
            if not strict:
                return None
            return (
                "tool.unregistered",
                f"Tool {tool} has no approved definition; strict mode runs approved tools only.",
                f"Ask an admin to approve the definition with PUT /api/v1/tools/{tool}.",
            )
        if presented is None or presented == approved["hash"]:
            if approved.get("findings_acknowledged") is True:
                return None
            return self._suspicious(tool, approved["definition"], approved["hash"])
        suspicious = self._suspicious(tool, definition, presented) if definition is not None else None
        if suspicious is not None:
            return suspicious
        return (
            "tool.drifted",
            f"Tool {tool} differs from its approved definition (approved hash {approved['hash'][:12]}…).",
            f"Review the change, then ask an admin to re-approve it with PUT /api/v1/tools/{tool}.",
        )

    def _suspicious(self, tool: str, definition: dict[str, Any], definition_hash: str | None) -> Drift | None:
        # The message names codes and fields only: the decoded text goes to the approver, not the agent.
        high = self._high_findings(definition_hash or canonical_sha256(definition), definition)
        if not high:
            return None
        return (
            "tool.suspicious",
            f"Tool {tool} is held: its definition has findings no admin has acknowledged "
            f"({describe_high(high)}).",
            f"Ask an admin to review the findings and approve the definition with PUT /api/v1/tools/{tool} "
            'and "acknowledge_findings": true.',
        )

    def _high_findings(self, definition_hash: str, definition: dict[str, Any]) -> Findings:
        known = self._verdicts.get(definition_hash)
        if known is not None:
            return known
        findings = inspect_tool_definition(definition)
        high = [f for f in findings if f["severity"] == "high"]
        if len(self._verdicts) >= _VERDICT_CACHE_MAX:
            del self._verdicts[next(iter(self._verdicts))]
        self._verdicts[definition_hash] = high
        return high


def _suspicious_error(name: str, findings: list[dict[str, str]]) -> GatewayError:
    message = (
        f"Tool {name} has findings that hold it: {describe_high(findings)}. Review them (each is listed with "
        'its decoded text), then approve again with "acknowledge_findings": true.'
    )
    details = [
        {
            "path": "body.acknowledge_findings",
            "message": "set to true to approve this definition after reviewing the findings below",
        },
        *(
            {"path": f"body.{f['field']}", "message": f"{f['code']} ({f['severity']}): {f['decoded']}"}
            for f in findings
        ),
    ]
    return GatewayError(409, "tool.suspicious", message, details)
