"""Namespaced endpoints (``client.approvals.get(...)``), sync and async. Each method is one line:
the request is built in :mod:`._endpoints` and run by the owning client."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Literal, TypeVar, cast

from typing_extensions import Unpack

from . import _endpoints as ep
from ._base_client import ClientCore, Flow, RequestOptions
from ._constants import DEFAULT_APPROVAL_WAIT_S
from ._endpoints import Instant
from ._types import CallOptions

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
        Suspension,
        SuspensionList,
        SuspensionScope,
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
    "AsyncSuspensions",
    "AsyncTools",
    "Credentials",
    "Evidence",
    "Policy",
    "Suspensions",
    "Tools",
]


def _core_for(core: ClientCore, call: Mapping[str, Any] | None) -> ClientCore:
    """The core for one call with per-call options (``timeout=``, ``extra_headers=``, …)."""
    given = {key: value for key, value in (call or {}).items() if value is not None}
    return core.with_overrides(given) if given else core


class _SyncResource:
    def __init__(self, core: ClientCore, run: Callable[[Flow[Any]], Any]) -> None:
        self._core = core
        self._run_flow = run

    def _call(self, options: RequestOptions, call: Mapping[str, Any] | None = None) -> Any:
        return self._run_flow(_core_for(self._core, call).request_flow(options))


class _AsyncResource:
    def __init__(self, core: ClientCore, run: Callable[[Flow[Any]], Awaitable[Any]]) -> None:
        self._core = core
        self._run_flow = run

    async def _call(self, options: RequestOptions, call: Mapping[str, Any] | None = None) -> Any:
        return await self._run_flow(_core_for(self._core, call).request_flow(options))


class Approvals(_SyncResource):
    def list(
        self, *, status: str | None = None, limit: int | None = None, **call: Unpack[CallOptions]
    ) -> ApprovalList:
        """Needs ``approver``. Approval requests, newest first; ``status`` filters (``pending``,
        ``approved``, ``denied``, ``expired``, ``used``)."""
        return cast("ApprovalList", self._call(ep.list_approvals(status, limit), call))

    def iterate(
        self, *, status: str | None = None, limit: int | None = None, **call: Unpack[CallOptions]
    ) -> Iterator[ApprovalRequest]:
        """``for request in client.approvals.iterate(status="pending")``: newest first."""
        yield from self.list(status=status, limit=limit, **call)["items"]

    def get(self, approval_id: str, **call: Unpack[CallOptions]) -> ApprovalRequest:
        """One approval request by id (``apr_…``), with its action and status. Any role of the tenant."""
        return cast("ApprovalRequest", self._call(ep.get_approval(approval_id), call))

    def approve(
        self, approval_id: str, *, note: str | None = None, **call: Unpack[CallOptions]
    ) -> ApprovalRequest:
        """Needs ``approver``. Approve a pending request; the agent's re-run with ``approval_request_id`` is
        then allowed exactly once. ``note`` goes to the ledger."""
        return cast("ApprovalRequest", self._call(ep.approval_decision(approval_id, "approve", note), call))

    def deny(
        self, approval_id: str, *, note: str | None = None, **call: Unpack[CallOptions]
    ) -> ApprovalRequest:
        """Needs ``approver``. Deny a pending request; the agent's re-run is denied. ``note`` goes to the
        ledger."""
        return cast("ApprovalRequest", self._call(ep.approval_decision(approval_id, "deny", note), call))

    def wait_for(
        self,
        approval_id: str,
        *,
        timeout_s: float = DEFAULT_APPROVAL_WAIT_S,
        poll_interval_s: float = 1.0,
        **call: Unpack[CallOptions],
    ) -> ApprovalRequest:
        """Poll until the request is no longer ``pending`` or ``timeout_s`` passes; returns the last state."""
        flow = _core_for(self._core, call).approval_wait_flow(approval_id, timeout_s, poll_interval_s)
        return cast("ApprovalRequest", self._run_flow(flow))


class AsyncApprovals(_AsyncResource):
    async def list(
        self, *, status: str | None = None, limit: int | None = None, **call: Unpack[CallOptions]
    ) -> ApprovalList:
        """Needs ``approver``. Approval requests, newest first; ``status`` filters (``pending``,
        ``approved``, ``denied``, ``expired``, ``used``)."""
        return cast("ApprovalList", await self._call(ep.list_approvals(status, limit), call))

    async def iterate(
        self,
        *,
        status: str | None = None,
        limit: int | None = None,
        **call: Unpack[CallOptions],
    ) -> AsyncIterator[ApprovalRequest]:
        """``async for request in client.approvals.iterate(status="pending")``: newest first."""
        for request in (await self.list(status=status, limit=limit, **call))["items"]:
            yield request

    async def get(self, approval_id: str, **call: Unpack[CallOptions]) -> ApprovalRequest:
        """One approval request by id (``apr_…``), with its action and status. Any role of the tenant."""
        return cast("ApprovalRequest", await self._call(ep.get_approval(approval_id), call))

    async def approve(
        self, approval_id: str, *, note: str | None = None, **call: Unpack[CallOptions]
    ) -> ApprovalRequest:
        """Needs ``approver``. Approve a pending request; the agent's re-run with ``approval_request_id`` is
        then allowed exactly once. ``note`` goes to the ledger."""
        return cast(
            "ApprovalRequest", await self._call(ep.approval_decision(approval_id, "approve", note), call)
        )

    async def deny(
        self, approval_id: str, *, note: str | None = None, **call: Unpack[CallOptions]
    ) -> ApprovalRequest:
        """Needs ``approver``. Deny a pending request; the agent's re-run is denied. ``note`` goes to the
        ledger."""
        return cast(
            "ApprovalRequest", await self._call(ep.approval_decision(approval_id, "deny", note), call)
        )

    async def wait_for(
        self,
        approval_id: str,
        *,
        timeout_s: float = DEFAULT_APPROVAL_WAIT_S,
        poll_interval_s: float = 1.0,
        **call: Unpack[CallOptions],
    ) -> ApprovalRequest:
        """Poll until the request is no longer ``pending`` or ``timeout_s`` passes; returns the last state."""
        flow = _core_for(self._core, call).approval_wait_flow(approval_id, timeout_s, poll_interval_s)
        return cast("ApprovalRequest", await self._run_flow(flow))


class Tools(_SyncResource):
    def approve(
        self, definition: ToolDefinition | Mapping[str, Any], **call: Unpack[CallOptions]
    ) -> ApprovedTool:
        """Needs ``admin``. Register (or re-approve after drift) a tool definition: name, description and
        input schema; decisions then check the tool against its hash."""
        return cast("ApprovedTool", self._call(ep.put_tool(definition), call))

    def list(self, **call: Unpack[CallOptions]) -> ToolList:
        """Needs ``admin``. The approved tools with their definition hashes."""
        return cast("ToolList", self._call(ep.list_tools(), call))


class AsyncTools(_AsyncResource):
    async def approve(
        self, definition: ToolDefinition | Mapping[str, Any], **call: Unpack[CallOptions]
    ) -> ApprovedTool:
        """Needs ``admin``. Register (or re-approve after drift) a tool definition: name, description and
        input schema; decisions then check the tool against its hash."""
        return cast("ApprovedTool", await self._call(ep.put_tool(definition), call))

    async def list(self, **call: Unpack[CallOptions]) -> ToolList:
        """Needs ``admin``. The approved tools with their definition hashes."""
        return cast("ToolList", await self._call(ep.list_tools(), call))


class Credentials(_SyncResource):
    def put(
        self,
        name: str,
        *,
        value: str,
        bound_tools: Sequence[str],
        lease_ttl_seconds: int | None = None,
        delivery: Literal["sdk", "proxy"] | None = None,
        **call: Unpack[CallOptions],
    ) -> CredentialMetadata:
        """Needs ``admin``. Store a credential in the vault, leased only to ``bound_tools`` (names or globs)
        on an ``allow``; ``delivery`` is ``sdk`` (to ``execute_fn``) or ``proxy``. The value is never
        returned or logged."""
        options = ep.put_credential(
            name,
            value=value,
            bound_tools=bound_tools,
            lease_ttl_seconds=lease_ttl_seconds,
            delivery=delivery,
        )
        return cast("CredentialMetadata", self._call(options, call))

    def list(self, **call: Unpack[CallOptions]) -> CredentialList:
        """Needs ``admin``. The vault's credentials: names, bindings and times, never values."""
        return cast("CredentialList", self._call(ep.list_credentials(), call))

    def delete(self, name: str, **call: Unpack[CallOptions]) -> CredentialDeletion:
        """Needs ``admin``. Delete a credential by name; later decisions lease nothing for it."""
        return cast("CredentialDeletion", self._call(ep.delete_credential(name), call))


class AsyncCredentials(_AsyncResource):
    async def put(
        self,
        name: str,
        *,
        value: str,
        bound_tools: Sequence[str],
        lease_ttl_seconds: int | None = None,
        delivery: Literal["sdk", "proxy"] | None = None,
        **call: Unpack[CallOptions],
    ) -> CredentialMetadata:
        """Needs ``admin``. Store a credential in the vault, leased only to ``bound_tools`` (names or globs)
        on an ``allow``; ``delivery`` is ``sdk`` (to ``execute_fn``) or ``proxy``. The value is never
        returned or logged."""
        options = ep.put_credential(
            name,
            value=value,
            bound_tools=bound_tools,
            lease_ttl_seconds=lease_ttl_seconds,
            delivery=delivery,
        )
        return cast("CredentialMetadata", await self._call(options, call))

    async def list(self, **call: Unpack[CallOptions]) -> CredentialList:
        """Needs ``admin``. The vault's credentials: names, bindings and times, never values."""
        return cast("CredentialList", await self._call(ep.list_credentials(), call))

    async def delete(self, name: str, **call: Unpack[CallOptions]) -> CredentialDeletion:
        """Needs ``admin``. Delete a credential by name; later decisions lease nothing for it."""
        return cast("CredentialDeletion", await self._call(ep.delete_credential(name), call))


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
        **call: Unpack[CallOptions],
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
                ),
                call,
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
        **call: Unpack[CallOptions],
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
            page = cast("EvidencePage", self._call(options, call))
            yield from page["events"]
            options = self._core.next_page(options, page)

    def verify(self, **call: Unpack[CallOptions]) -> ChainVerification:
        """Needs ``admin``. Re-check the tenant's hash chain: ``ok``, ``first_broken_seq``, ``head``."""
        return cast("ChainVerification", self._call(ep.evidence_verify(), call))

    def export(self, **call: Unpack[CallOptions]) -> EvidenceExport:
        """Needs ``admin``. The whole chain with its head, signed; check it offline with
        :func:`actpass.verify_export`."""
        return cast("EvidenceExport", self._call(ep.evidence_export(), call))


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
        **call: Unpack[CallOptions],
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
                ),
                call,
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
        **call: Unpack[CallOptions],
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
            page = cast("EvidencePage", await self._call(options, call))
            for event in page["events"]:
                yield event
            options = self._core.next_page(options, page)

    async def verify(self, **call: Unpack[CallOptions]) -> ChainVerification:
        """Needs ``admin``. Re-check the tenant's hash chain: ``ok``, ``first_broken_seq``, ``head``."""
        return cast("ChainVerification", await self._call(ep.evidence_verify(), call))

    async def export(self, **call: Unpack[CallOptions]) -> EvidenceExport:
        """Needs ``admin``. The whole chain with its head, signed; check it offline with
        :func:`actpass.verify_export`."""
        return cast("EvidenceExport", await self._call(ep.evidence_export(), call))


class Policy(_SyncResource):
    def get(self, **call: Unpack[CallOptions]) -> PolicyDocument:
        """Needs ``admin``. The tenant's active policy with its version and hash."""
        return cast("PolicyDocument", self._call(ep.get_policy(), call))

    def put(self, policy: PolicyBody | Mapping[str, Any], **call: Unpack[CallOptions]) -> PolicyDocument:
        """Needs ``admin``. Replace the tenant's policy (validated first; the change is recorded in the
        ledger)."""
        return cast("PolicyDocument", self._call(ep.put_policy(policy), call))

    def simulate(
        self,
        policy: PolicyBody | Mapping[str, Any],
        *,
        since: Instant | None = None,
        until: Instant | None = None,
        after_seq: int | None = None,
        limit: int | None = None,
        **call: Unpack[CallOptions],
    ) -> PolicySimulation:
        """Needs ``admin``. What-if: recorded decisions re-run under ``policy``; writes nothing."""
        return cast(
            "PolicySimulation",
            self._call(
                ep.simulate_policy(policy, since=since, until=until, after_seq=after_seq, limit=limit), call
            ),
        )


class AsyncPolicy(_AsyncResource):
    async def get(self, **call: Unpack[CallOptions]) -> PolicyDocument:
        """Needs ``admin``. The tenant's active policy with its version and hash."""
        return cast("PolicyDocument", await self._call(ep.get_policy(), call))

    async def put(
        self, policy: PolicyBody | Mapping[str, Any], **call: Unpack[CallOptions]
    ) -> PolicyDocument:
        """Needs ``admin``. Replace the tenant's policy (validated first; the change is recorded in the
        ledger)."""
        return cast("PolicyDocument", await self._call(ep.put_policy(policy), call))

    async def simulate(
        self,
        policy: PolicyBody | Mapping[str, Any],
        *,
        since: Instant | None = None,
        until: Instant | None = None,
        after_seq: int | None = None,
        limit: int | None = None,
        **call: Unpack[CallOptions],
    ) -> PolicySimulation:
        """Needs ``admin``. What-if: recorded decisions re-run under ``policy``; writes nothing."""
        return cast(
            "PolicySimulation",
            await self._call(
                ep.simulate_policy(policy, since=since, until=until, after_seq=after_seq, limit=limit), call
            ),
        )


class Suspensions(_SyncResource):
    """The kill switch: suspend an agent, a user, a tool glob or the whole tenant, and resume it."""

    def list(
        self,
        *,
        status: Literal["active", "all"] | None = None,
        limit: int | None = None,
        **call: Unpack[CallOptions],
    ) -> SuspensionList:
        """Needs ``admin`` or ``approver``. Suspensions, newest first: those in force, or with
        ``status="all"`` also the resumed and expired ones."""
        return cast("SuspensionList", self._call(ep.list_suspensions(status, limit), call))

    def create(
        self,
        *,
        scope: SuspensionScope,
        reason: str,
        match: str | None = None,
        until: Instant | None = None,
        **call: Unpack[CallOptions],
    ) -> Suspension:
        """Needs ``admin``. The kill switch: from now until resumed (or ``until`` passes) every preflight
        in scope is denied with ``suspended.agent``, ``suspended.user``, ``suspended.tool`` or
        ``suspended.tenant`` (``monitor`` answers the same with ``enforced: False``), on every gateway
        process sharing the store within a second. ``match`` is the agent or user id or a tool glob
        (``stripe.refund.*``); leave it out for ``tenant``. Sealed in the ledger as ``suspension.created``."""
        options = ep.create_suspension(scope=scope, reason=reason, match=match, until=until)
        return cast("Suspension", self._call(options, call))

    def get(self, suspension_id: str, **call: Unpack[CallOptions]) -> Suspension:
        """Needs ``admin`` or ``approver``. One suspension by id (``sus_…``)."""
        return cast("Suspension", self._call(ep.get_suspension(suspension_id), call))

    def resume(self, suspension_id: str, **call: Unpack[CallOptions]) -> Suspension:
        """Needs ``admin``. End a suspension at once on every process (sealed in the ledger as
        ``suspension.resumed``); one that already ended is answered unchanged."""
        return cast("Suspension", self._call(ep.resume_suspension(suspension_id), call))


class AsyncSuspensions(_AsyncResource):
    """The kill switch: suspend an agent, a user, a tool glob or the whole tenant, and resume it."""

    async def list(
        self,
        *,
        status: Literal["active", "all"] | None = None,
        limit: int | None = None,
        **call: Unpack[CallOptions],
    ) -> SuspensionList:
        """Needs ``admin`` or ``approver``. Suspensions, newest first: those in force, or with
        ``status="all"`` also the resumed and expired ones."""
        return cast("SuspensionList", await self._call(ep.list_suspensions(status, limit), call))

    async def create(
        self,
        *,
        scope: SuspensionScope,
        reason: str,
        match: str | None = None,
        until: Instant | None = None,
        **call: Unpack[CallOptions],
    ) -> Suspension:
        """Needs ``admin``. The kill switch: from now until resumed (or ``until`` passes) every preflight
        in scope is denied with ``suspended.agent``, ``suspended.user``, ``suspended.tool`` or
        ``suspended.tenant`` (``monitor`` answers the same with ``enforced: False``), on every gateway
        process sharing the store within a second. ``match`` is the agent or user id or a tool glob
        (``stripe.refund.*``); leave it out for ``tenant``. Sealed in the ledger as ``suspension.created``."""
        options = ep.create_suspension(scope=scope, reason=reason, match=match, until=until)
        return cast("Suspension", await self._call(options, call))

    async def get(self, suspension_id: str, **call: Unpack[CallOptions]) -> Suspension:
        """Needs ``admin`` or ``approver``. One suspension by id (``sus_…``)."""
        return cast("Suspension", await self._call(ep.get_suspension(suspension_id), call))

    async def resume(self, suspension_id: str, **call: Unpack[CallOptions]) -> Suspension:
        """Needs ``admin``. End a suspension at once on every process (sealed in the ledger as
        ``suspension.resumed``); one that already ended is answered unchanged."""
        return cast("Suspension", await self._call(ep.resume_suspension(suspension_id), call))
