"""Namespaced endpoints (``client.approvals.get(...)``), sync and async. Each method is one line:
the request is built in :mod:`._endpoints` and run by the owning client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Literal, TypeVar, cast

from . import _endpoints as ep
from ._base_client import ClientCore, Flow, RequestOptions
from ._constants import DEFAULT_APPROVAL_WAIT_S
from ._endpoints import Instant

if TYPE_CHECKING:
    from ._generated.contract import (
        ApprovalList,
        ApprovalRequest,
        ApprovedTool,
        ChainVerification,
        CredentialDeletion,
        CredentialList,
        CredentialMetadata,
        EvidenceEvent,
        EvidenceExport,
        EvidencePage,
        PolicyDocument,
        PolicySimulation,
        ToolDefinition,
        ToolList,
    )
    from ._generated.contract import Policy as PolicyBody

T = TypeVar("T")

__all__ = [
    "Approvals",
    "AsyncApprovals",
    "AsyncCredentials",
    "AsyncEvidence",
    "AsyncPolicy",
    "AsyncTools",
    "Credentials",
    "Evidence",
    "Policy",
    "Tools",
]


class _SyncResource:
    def __init__(self, core: ClientCore, run: Callable[[Flow[Any]], Any]) -> None:
        self._core = core
        self._run_flow = run

    def _call(self, options: RequestOptions) -> Any:
        return self._run_flow(self._core.request_flow(options))


class _AsyncResource:
    def __init__(self, core: ClientCore, run: Callable[[Flow[Any]], Awaitable[Any]]) -> None:
        self._core = core
        self._run_flow = run

    async def _call(self, options: RequestOptions) -> Any:
        return await self._run_flow(self._core.request_flow(options))


class Approvals(_SyncResource):
    def list(self, *, status: str | None = None, limit: int | None = None) -> ApprovalList:
        return cast("ApprovalList", self._call(ep.list_approvals(status, limit)))

    def iterate(self, *, status: str | None = None, limit: int | None = None) -> Iterator[ApprovalRequest]:
        """``for request in client.approvals.iterate(status="pending")``: newest first."""
        yield from self.list(status=status, limit=limit)["items"]

    def get(self, approval_id: str) -> ApprovalRequest:
        return cast("ApprovalRequest", self._call(ep.get_approval(approval_id)))

    def approve(self, approval_id: str, *, note: str | None = None) -> ApprovalRequest:
        return cast("ApprovalRequest", self._call(ep.approval_decision(approval_id, "approve", note)))

    def deny(self, approval_id: str, *, note: str | None = None) -> ApprovalRequest:
        return cast("ApprovalRequest", self._call(ep.approval_decision(approval_id, "deny", note)))

    def wait_for(
        self, approval_id: str, *, timeout_s: float = DEFAULT_APPROVAL_WAIT_S, poll_interval_s: float = 1.0
    ) -> ApprovalRequest:
        """Poll until the request is no longer ``pending`` or ``timeout_s`` passes; returns the last state."""
        flow = self._core.approval_wait_flow(approval_id, timeout_s, poll_interval_s)
        return cast("ApprovalRequest", self._run_flow(flow))


class AsyncApprovals(_AsyncResource):
    async def list(self, *, status: str | None = None, limit: int | None = None) -> ApprovalList:
        return cast("ApprovalList", await self._call(ep.list_approvals(status, limit)))

    async def iterate(
        self, *, status: str | None = None, limit: int | None = None
    ) -> AsyncIterator[ApprovalRequest]:
        """``async for request in client.approvals.iterate(status="pending")``: newest first."""
        for request in (await self.list(status=status, limit=limit))["items"]:
            yield request

    async def get(self, approval_id: str) -> ApprovalRequest:
        return cast("ApprovalRequest", await self._call(ep.get_approval(approval_id)))

    async def approve(self, approval_id: str, *, note: str | None = None) -> ApprovalRequest:
        return cast("ApprovalRequest", await self._call(ep.approval_decision(approval_id, "approve", note)))

    async def deny(self, approval_id: str, *, note: str | None = None) -> ApprovalRequest:
        return cast("ApprovalRequest", await self._call(ep.approval_decision(approval_id, "deny", note)))

    async def wait_for(
        self, approval_id: str, *, timeout_s: float = DEFAULT_APPROVAL_WAIT_S, poll_interval_s: float = 1.0
    ) -> ApprovalRequest:
        """Poll until the request is no longer ``pending`` or ``timeout_s`` passes; returns the last state."""
        flow = self._core.approval_wait_flow(approval_id, timeout_s, poll_interval_s)
        return cast("ApprovalRequest", await self._run_flow(flow))


class Tools(_SyncResource):
    def approve(self, definition: ToolDefinition | Mapping[str, Any]) -> ApprovedTool:
        return cast("ApprovedTool", self._call(ep.put_tool(definition)))

    def list(self) -> ToolList:
        return cast("ToolList", self._call(ep.list_tools()))


class AsyncTools(_AsyncResource):
    async def approve(self, definition: ToolDefinition | Mapping[str, Any]) -> ApprovedTool:
        return cast("ApprovedTool", await self._call(ep.put_tool(definition)))

    async def list(self) -> ToolList:
        return cast("ToolList", await self._call(ep.list_tools()))


class Credentials(_SyncResource):
    def put(
        self,
        name: str,
        *,
        value: str,
        bound_tools: Sequence[str],
        lease_ttl_seconds: int | None = None,
        delivery: Literal["sdk", "proxy"] | None = None,
    ) -> CredentialMetadata:
        options = ep.put_credential(
            name,
            value=value,
            bound_tools=bound_tools,
            lease_ttl_seconds=lease_ttl_seconds,
            delivery=delivery,
        )
        return cast("CredentialMetadata", self._call(options))

    def list(self) -> CredentialList:
        return cast("CredentialList", self._call(ep.list_credentials()))

    def delete(self, name: str) -> CredentialDeletion:
        return cast("CredentialDeletion", self._call(ep.delete_credential(name)))


class AsyncCredentials(_AsyncResource):
    async def put(
        self,
        name: str,
        *,
        value: str,
        bound_tools: Sequence[str],
        lease_ttl_seconds: int | None = None,
        delivery: Literal["sdk", "proxy"] | None = None,
    ) -> CredentialMetadata:
        options = ep.put_credential(
            name,
            value=value,
            bound_tools=bound_tools,
            lease_ttl_seconds=lease_ttl_seconds,
            delivery=delivery,
        )
        return cast("CredentialMetadata", await self._call(options))

    async def list(self) -> CredentialList:
        return cast("CredentialList", await self._call(ep.list_credentials()))

    async def delete(self, name: str) -> CredentialDeletion:
        return cast("CredentialDeletion", await self._call(ep.delete_credential(name)))


class Evidence(_SyncResource):
    def list(
        self,
        *,
        after_seq: int | None = None,
        limit: int | None = None,
        type: str | None = None,
        tool: str | None = None,
        decision: str | None = None,
        agent_id: str | None = None,
        since: Instant | None = None,
        until: Instant | None = None,
    ) -> EvidencePage:
        """Needs ``admin``. Filters narrow the page; pass ``next_after_seq`` back as ``after_seq``."""
        return cast(
            "EvidencePage",
            self._call(
                ep.evidence_list(
                    after_seq,
                    limit,
                    type=type,
                    tool=tool,
                    decision=decision,
                    agent_id=agent_id,
                    since=since,
                    until=until,
                )
            ),
        )

    def iterate(
        self,
        *,
        after_seq: int | None = None,
        limit: int | None = None,
        type: str | None = None,
        tool: str | None = None,
        decision: str | None = None,
        agent_id: str | None = None,
        since: Instant | None = None,
        until: Instant | None = None,
    ) -> Iterator[EvidenceEvent]:
        """``for event in client.evidence.iterate(type="decision")``: every matching event, page by page."""
        options: RequestOptions | None = ep.evidence_list(
            after_seq,
            limit,
            type=type,
            tool=tool,
            decision=decision,
            agent_id=agent_id,
            since=since,
            until=until,
        )
        while options is not None:
            page = cast("EvidencePage", self._call(options))
            yield from page["events"]
            options = self._core.next_page(options, page)

    def verify(self) -> ChainVerification:
        return cast("ChainVerification", self._call(ep.evidence_verify()))

    def export(self) -> EvidenceExport:
        return cast("EvidenceExport", self._call(ep.evidence_export()))


class AsyncEvidence(_AsyncResource):
    async def list(
        self,
        *,
        after_seq: int | None = None,
        limit: int | None = None,
        type: str | None = None,
        tool: str | None = None,
        decision: str | None = None,
        agent_id: str | None = None,
        since: Instant | None = None,
        until: Instant | None = None,
    ) -> EvidencePage:
        """Needs ``admin``. Filters narrow the page; pass ``next_after_seq`` back as ``after_seq``."""
        return cast(
            "EvidencePage",
            await self._call(
                ep.evidence_list(
                    after_seq,
                    limit,
                    type=type,
                    tool=tool,
                    decision=decision,
                    agent_id=agent_id,
                    since=since,
                    until=until,
                )
            ),
        )

    async def iterate(
        self,
        *,
        after_seq: int | None = None,
        limit: int | None = None,
        type: str | None = None,
        tool: str | None = None,
        decision: str | None = None,
        agent_id: str | None = None,
        since: Instant | None = None,
        until: Instant | None = None,
    ) -> AsyncIterator[EvidenceEvent]:
        """``async for event in client.evidence.iterate(type="decision")``: every matching event."""
        options: RequestOptions | None = ep.evidence_list(
            after_seq,
            limit,
            type=type,
            tool=tool,
            decision=decision,
            agent_id=agent_id,
            since=since,
            until=until,
        )
        while options is not None:
            page = cast("EvidencePage", await self._call(options))
            for event in page["events"]:
                yield event
            options = self._core.next_page(options, page)

    async def verify(self) -> ChainVerification:
        return cast("ChainVerification", await self._call(ep.evidence_verify()))

    async def export(self) -> EvidenceExport:
        return cast("EvidenceExport", await self._call(ep.evidence_export()))


class Policy(_SyncResource):
    def get(self) -> PolicyDocument:
        return cast("PolicyDocument", self._call(ep.get_policy()))

    def put(self, policy: PolicyBody | Mapping[str, Any]) -> PolicyDocument:
        return cast("PolicyDocument", self._call(ep.put_policy(policy)))

    def simulate(
        self,
        policy: PolicyBody | Mapping[str, Any],
        *,
        since: Instant | None = None,
        until: Instant | None = None,
        after_seq: int | None = None,
        limit: int | None = None,
    ) -> PolicySimulation:
        """Needs ``admin``. What-if: recorded decisions re-run under ``policy``; writes nothing."""
        return cast(
            "PolicySimulation",
            self._call(
                ep.simulate_policy(policy, since=since, until=until, after_seq=after_seq, limit=limit)
            ),
        )


class AsyncPolicy(_AsyncResource):
    async def get(self) -> PolicyDocument:
        return cast("PolicyDocument", await self._call(ep.get_policy()))

    async def put(self, policy: PolicyBody | Mapping[str, Any]) -> PolicyDocument:
        return cast("PolicyDocument", await self._call(ep.put_policy(policy)))

    async def simulate(
        self,
        policy: PolicyBody | Mapping[str, Any],
        *,
        since: Instant | None = None,
        until: Instant | None = None,
        after_seq: int | None = None,
        limit: int | None = None,
    ) -> PolicySimulation:
        """Needs ``admin``. What-if: recorded decisions re-run under ``policy``; writes nothing."""
        return cast(
            "PolicySimulation",
            await self._call(
                ep.simulate_policy(policy, since=since, until=until, after_seq=after_seq, limit=limit)
            ),
        )
