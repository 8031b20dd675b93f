"""``ActPassClient`` (blocking) and ``AsyncActPassClient`` (asyncio): they run the shared flows of
:mod:`._base_client`; the only difference between them is how a step's I/O is performed."""

from __future__ import annotations

import copy
import functools
import logging
import time
from collections.abc import Awaitable, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Callable, TypeVar, cast, overload

import httpx
from typing_extensions import Self, Unpack

from . import _endpoints as ep
from ._background import TaskOutcomes, ThreadOutcomes
from ._base_client import ClientCore, Defer, Flow, Send, Sleep
from ._constants import (
    DEFAULT_DEADLINE_S,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MAX_RETRIES,
    DEFAULT_MODE,
    DEFAULT_TIMEOUT_S,
    OUTCOME_QUEUE_LIMIT,
)
from ._decision_types import ClientPassportVerification, PreflightDecision
from ._guard import ExecuteContext, GuardResult, WaitForApproval, guard_flow
from ._io import DEADLINE_PASSED, call_async, call_sync, is_awaitable, send_within, send_within_async, within
from ._reports import AsyncReports, Reports
from ._resources import (
    Approvals,
    AsyncApprovals,
    AsyncCredentials,
    AsyncEvidence,
    AsyncPolicy,
    AsyncSuspensions,
    AsyncTools,
    Credentials,
    Evidence,
    Policy,
    Suspensions,
    Tools,
)
from ._types import CallOptions, ClientOptions, Mode, PreflightInput
from ._webhooks import AsyncWebhooks, Webhooks

if TYPE_CHECKING:
    from ._generated.contract import (
        Decision,  # noqa: F401 (names PreflightDecision's gateway half for the API reference)
        EvidenceEvent,
        Health,
        IssuedPassport,
        Jwks,
        PassportRevocation,
        PassportVerification,
        WhoAmI,
    )

__all__ = ["ActPassClient", "AsyncActPassClient"]

T = TypeVar("T")
R = TypeVar("R")


class _ClientBase:
    """Construction shared by both clients; see :class:`ActPassClient` for the arguments."""

    _owns_http: bool

    def __init__(
        self,
        api_key: str | None,
        *,
        tenant_id: str | None,
        agent_id: str | None,
        base_url: str | None,
        mode: Mode,
        timeout: float,
        max_retries: int,
        random: Callable[[], float] | None,
        logger: logging.Logger | None,
        deadline: float,
        max_response_bytes: int,
        clock: Callable[[], float] | None,
    ) -> None:
        self._core = ClientCore(
            api_key=api_key,
            tenant_id=tenant_id,
            agent_id=agent_id,
            base_url=base_url,
            mode=mode,
            timeout=timeout,
            max_retries=max_retries,
            random=random,
            logger=logger,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            clock=clock,
        )
        self._preflight = functools.partial(
            ep.preflight, default_mode=self._core.mode, default_agent_id=self._core.agent_id
        )

    def _core_for(self, options: Mapping[str, Any]) -> ClientCore:
        """The core for one call with per-call options (none given: the client's own)."""
        given = {key: value for key, value in options.items() if value is not None}
        return self._core.with_overrides(given) if given else self._core

    def with_options(self, **overrides: Unpack[ClientOptions]) -> Self:
        """A copy of this client with some settings replaced, for one call or a family of calls::

            client.with_options(timeout=2, max_retries=0).preflight(...)
            client.with_options(extra_headers={"x-trace-id": trace}, idempotency_key=key).guard(...)

        Every constructor option but the transport, ``http_client`` and the test hooks can be replaced:
        ``timeout``, ``max_retries``, ``deadline``, ``max_response_bytes``, ``mode``, ``tenant_id``,
        ``agent_id``, ``api_key``, ``base_url``, ``logger``, plus ``idempotency_key`` and
        ``extra_headers``. The copy shares the connection pool and the outcome queue; closing it closes
        neither."""
        copied = copy.copy(self)
        copied._core = self._core.with_overrides(overrides)
        copied._owns_http = False
        copied._preflight = functools.partial(
            ep.preflight, default_mode=copied._core.mode, default_agent_id=copied._core.agent_id
        )
        copied._attach()
        return copied

    def _attach(self) -> None:
        raise NotImplementedError

    def _for_call(self, overrides: Mapping[str, Any]) -> tuple[ClientCore, Any]:
        """The core and preflight builder for one call with per-call options (none given: the client's)."""
        given = {key: value for key, value in overrides.items() if value is not None}
        if not given:
            return self._core, self._preflight
        core = self._core.with_overrides(given)
        return core, functools.partial(ep.preflight, default_mode=core.mode, default_agent_id=core.agent_id)

    @property
    def base_url(self) -> str:
        """The gateway's root URL requests go to (``/api/v1`` is added per call)."""
        return self._core.base_url

    @property
    def mode(self) -> str:
        """The default mode of ``preflight()`` and ``guard()`` (a call's ``mode=`` wins)."""
        return self._core.mode

    def __repr__(self) -> str:
        # Never the API key.
        return f"{type(self).__name__}(base_url={self._core.base_url!r}, mode={self._core.mode!r})"


class ActPassClient(_ClientBase):
    """Blocking ActPass client.

    ``api_key`` falls back to ``ACTPASS_API_KEY`` and ``base_url`` to ``ACTPASS_BASE_URL``, then
    ``http://127.0.0.1:8787``. A missing key or a bad URL does not raise here: ``preflight``/``guard``
    then fail closed with ``client.misconfigured`` and the other methods raise ``MisconfiguredError``.
    ``timeout`` bounds each attempt and ``deadline`` the whole call with its retries (seconds);
    ``max_response_bytes`` caps a response body (after decompression). ``transport``/``http_client``
    swap the httpx layer (tests, proxies); ``sleep``, ``random`` and ``clock`` make retry timing
    deterministic.
    """

    # Named here, not only on the shared base, so the API reference documents them on this class.
    with_options = _ClientBase.with_options
    base_url = _ClientBase.base_url
    mode = _ClientBase.mode

    approvals: Approvals
    """Approval requests: ``list``, ``iterate``, ``get``, ``approve``, ``deny``, ``wait_for``."""
    tools: Tools
    """Approved tool definitions (drift detection): ``approve``, ``list``."""
    credentials: Credentials
    """The vault: ``put``, ``list``, ``delete`` (values are never returned)."""
    evidence: Evidence
    """The ledger: ``list``, ``iterate``, ``verify``, ``export``."""
    policy: Policy
    """The tenant's policy: ``get``, ``put``, ``simulate``."""
    reports: Reports
    """Reports over the recorded decisions: ``rollout``."""
    suspensions: Suspensions
    """The kill switch: ``list``, ``create``, ``get``, ``resume`` (admin; listing also approver)."""
    webhooks: Webhooks
    """Webhooks: ``verify`` a delivery (no API key, no I/O); ``list``, ``get``, ``put``, ``delete``,
    ``deliveries``, ``retry`` with an admin key."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        tenant_id: str | None = None,
        agent_id: str | None = None,
        base_url: str | None = None,
        mode: Mode = DEFAULT_MODE,
        timeout: float = DEFAULT_TIMEOUT_S,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.BaseTransport | None = None,
        http_client: httpx.Client | None = None,
        sleep: Callable[[float], None] | None = None,
        random: Callable[[], float] | None = None,
        logger: logging.Logger | None = None,
        deadline: float = DEFAULT_DEADLINE_S,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            api_key,
            tenant_id=tenant_id,
            agent_id=agent_id,
            base_url=base_url,
            mode=mode,
            timeout=timeout,
            max_retries=max_retries,
            random=random,
            logger=logger,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            clock=clock,
        )
        self._owns_http = http_client is None
        self._http = (
            http_client
            if http_client is not None
            else httpx.Client(transport=transport, follow_redirects=False)
        )
        self._sleep = sleep if sleep is not None else time.sleep
        self._outcomes = ThreadOutcomes(self._run, self._core.log, OUTCOME_QUEUE_LIMIT)
        self._closed = False
        self._attach()

    def _attach(self) -> None:
        self.approvals = Approvals(self._core, self._run)
        self.tools = Tools(self._core, self._run)
        self.credentials = Credentials(self._core, self._run)
        self.evidence = Evidence(self._core, self._run)
        self.policy = Policy(self._core, self._run)
        self.reports = Reports(self._core, self._run)
        self.suspensions = Suspensions(self._core, self._run)
        self.webhooks = Webhooks(self._core, self._run)

    # -- I/O ----------------------------------------------------------------------------------------

    def _run(self, flow: Flow[T]) -> T:
        reply: Any = None
        while True:
            try:
                step = flow.send(reply)
            except StopIteration as done:
                return cast(T, done.value)
            if isinstance(step, Send):
                try:
                    reply = send_within(self._http, step.request, step.timeout_s, step.max_bytes)
                except httpx.RequestError as error:
                    reply = error
            elif isinstance(step, Sleep):
                reply = self._sleep(step.seconds)
            elif isinstance(step, Defer):
                if self._closed:
                    self._run(step.flow)
                else:
                    self._outcomes.push(step)
                reply = None
            else:
                reply = call_sync(step)

    def flush(self) -> None:
        """Wait until every outcome record ``guard()`` queued so far has been sent (or dropped, logged)."""
        self._outcomes.flush()

    def close(self) -> None:
        """Drain the outcome queue, stop its worker, and close the connection pool (when owned)."""
        self._closed = True
        self._outcomes.close()
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # -- API ----------------------------------------------------------------------------------------

    def preflight(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        idempotency_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        **params: Unpack[PreflightInput],
    ) -> PreflightDecision:
        """Ask the gateway whether an action may run. Never raises for transport or response problems.

        Args:
            goal: Why the agent acts, e.g. ``"resolve_refund_request"`` (matched by policy rules and
                passports).
            tool: The dotted tool name, e.g. ``"stripe.refund.create"``.
            resource: What the tool acts on, e.g. ``"stripe:charge:ch_123"`` (optional).
            args: The tool's arguments as JSON (amounts in minor units); policy conditions read them.
            mode: ``enforce`` (default), ``strict``, ``warn`` or ``monitor`` (observe only).
            agent_id: The acting agent (default: the client's ``agent_id``).
            user_id: The person the agent acts for, when there is one.
            passport: A passport token scoping this task (``issue_passport``); spent by the decision.
            approval_request_id: Re-run a held action once a person approved it.
            tool_definition: The tool's definition (name, description, input schema) to check for drift.
            tool_hash: The hex SHA-256 of the tool's canonical definition, instead of the definition.
            context: Extra facts for policy conditions (JSON).
            timeout, max_retries, idempotency_key, extra_headers: for this call only.

        Returns:
            The gateway's decision (``d["source"] == "gateway"``: ``decision``, ``reason_code``,
            ``explain``, ``evidence_event_id``, …) or, when no valid answer arrived, the client's own
            fail-closed ``deny`` (``source == "client"``, with ``cause``); see ``is_client_decision``.
        """
        core, build = self._for_call(
            dict(
                timeout=timeout,
                max_retries=max_retries,
                idempotency_key=idempotency_key,
                extra_headers=extra_headers,
            )
        )
        options, mode = build(params)
        return self._run(core.decision_flow(options, mode))

    def guard(
        self,
        *,
        execute_fn: Callable[[ExecuteContext], R] | Callable[[], R],
        wait_for_approval: WaitForApproval | None = None,
        record_outcome: bool = True,
        await_outcome: bool = False,
        raise_on_error: bool = False,
        timeout: float | None = None,
        max_retries: int | None = None,
        idempotency_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        **params: Unpack[PreflightInput],
    ) -> GuardResult[R]:
        """Decide, then run ``execute_fn`` at most once, only where the mode allows; never retried.

        Takes every argument of :meth:`preflight` (``goal``, ``tool``, ``resource``, ``args``, ``mode``,
        ``agent_id``, ``user_id``, ``passport``, ``approval_request_id``, ``tool_definition``,
        ``tool_hash``, ``context``) and:

        Args:
            execute_fn: The action: a function of no argument or of the :class:`ExecuteContext`
                (``credential``, ``decision``).
            wait_for_approval: ``{"timeout_s": 120}``: on ``require_approval``, wait for a person, then
                decide again with the approval.
            record_outcome: Record ``action.outcome`` evidence (a digest of the result, never the
                result) after ``execute_fn`` runs (default True).
            await_outcome: Send that record before returning (default: in the background; ``flush()``
                and ``close()`` drain it).
            raise_on_error: Re-raise what ``execute_fn`` raised, after its outcome is recorded
                (default False: it comes back in ``error`` and is logged as a warning).
            timeout, max_retries, idempotency_key, extra_headers: for this call's requests only.

        Returns:
            ``{"decision", "result", "error", "executed"}``. Never raises unless ``raise_on_error``.
        """
        core, build = self._for_call(
            dict(
                timeout=timeout,
                max_retries=max_retries,
                idempotency_key=idempotency_key,
                extra_headers=extra_headers,
            )
        )
        flow = guard_flow(
            core,
            build,
            params,
            execute_fn,
            wait_for_approval=wait_for_approval,
            record_outcome=record_outcome,
            await_outcome=await_outcome,
            raise_on_error=raise_on_error,
        )
        return self._run(flow)

    def issue_passport(
        self,
        *,
        audience: str,
        goal: str,
        allowed_tools: Sequence[str],
        allowed_resources: Sequence[str] | None = None,
        resource_constraints: Mapping[str, Any] | None = None,
        ttl_seconds: int | None = None,
        risk_tier: str | None = None,
        agent_id: str | None = None,
        user_id: str | None = None,
        action_hash: str | None = None,
        **call: Unpack[CallOptions],
    ) -> IssuedPassport:
        """Issue a short-lived, single-use passport scoping one agent task (role ``agent``).

        Args:
            audience: Who may accept it, e.g. ``"actpass:gateway"``.
            goal: The task's goal; a decision with another goal is ``passport.goal_mismatch``.
            allowed_tools: Tool names or globs (``stripe.refund.*``) the task may call.
            allowed_resources: Resources or globs (default: any).
            resource_constraints: Limits on the arguments, e.g. ``{"amount": {"max": 5000}}``.
            ttl_seconds: Lifetime (default 300; the gateway clamps it to 1 to 3600).
            risk_tier: ``low``, ``medium`` or ``high``.
            agent_id: The agent it is issued to (default: the client's).
            user_id: The person the task is for.
            action_hash: Bind it to one exact action (hex SHA-256 of its canonical form).

        Returns:
            ``{"token", "jti", "expires_at"}``. The token is a secret: never log it.
        """
        options = ep.issue_passport(
            audience=audience,
            goal=goal,
            allowed_tools=allowed_tools,
            allowed_resources=allowed_resources,
            resource_constraints=resource_constraints,
            ttl_seconds=ttl_seconds,
            risk_tier=risk_tier,
            agent_id=agent_id if agent_id is not None else self._core.agent_id,
            user_id=user_id,
            action_hash=action_hash,
        )
        return cast("IssuedPassport", self._run(self._core_for(call).request_flow(options)))

    def verify_passport(
        self,
        *,
        token: str,
        audience: str | None = None,
        tool: str | None = None,
        resource: str | None = None,
        args: Mapping[str, Any] | None = None,
        **call: Unpack[CallOptions],
    ) -> PassportVerification | ClientPassportVerification:
        """Check a passport without consuming it; ``tool``, ``resource`` and ``args`` also check that
        it would allow that action. Never raises: fails closed with ``valid: False`` and ``source:
        "client"``."""
        options = ep.verify_passport(token=token, audience=audience, tool=tool, resource=resource, args=args)
        return self._run(self._core_for(call).verification_flow(options))

    def revoke_passport(self, jti: str, reason: str, **call: Unpack[CallOptions]) -> PassportRevocation:
        """Revoke the passport ``jti`` (from ``issue_passport``) so no decision accepts it again; ``reason``
        is recorded in the ledger. Revoking twice is not an error."""
        flow = self._core_for(call).request_flow(ep.revoke_passport(jti, reason))
        return cast("PassportRevocation", self._run(flow))

    def record_evidence(
        self, *, type: str, data: Mapping[str, Any], **call: Unpack[CallOptions]
    ) -> EvidenceEvent:
        """Append a custom event (``type`` such as ``"refund.reviewed"``, JSON ``data``) to the tenant's
        hash-chained ledger. Never put secret values in ``data``: the ledger keeps it forever."""
        flow = self._core_for(call).request_flow(ep.record_evidence(type, data))
        return cast("EvidenceEvent", self._run(flow))

    def jwks(self, **call: Unpack[CallOptions]) -> Jwks:
        """The gateway's public keys, for :func:`actpass.verify_export`."""
        return cast("Jwks", self._run(self._core_for(call).request_flow(ep.jwks())))

    def whoami(self, **call: Unpack[CallOptions]) -> WhoAmI:
        """Who the API key is: tenant, key id, roles and (for an agent-bound key) agent. Any valid key."""
        return cast("WhoAmI", self._run(self._core_for(call).request_flow(ep.whoami())))

    def health(self, **call: Unpack[CallOptions]) -> Health:
        """The gateway's ``/healthz`` (no API key needed): ``{"status": "ok"}``; raises when unreachable."""
        return cast("Health", self._run(self._core_for(call).request_flow(ep.health())))


class AsyncActPassClient(_ClientBase):
    """The asyncio twin of :class:`ActPassClient`: same arguments, same results, ``await`` each call.

    ``execute_fn`` may be a plain or an ``async`` function; ``sleep`` may return an awaitable.
    """

    # Named here, not only on the shared base, so the API reference documents them on this class.
    with_options = _ClientBase.with_options
    base_url = _ClientBase.base_url
    mode = _ClientBase.mode

    approvals: AsyncApprovals
    """Approval requests: ``list``, ``iterate``, ``get``, ``approve``, ``deny``, ``wait_for``."""
    tools: AsyncTools
    """Approved tool definitions (drift detection): ``approve``, ``list``."""
    credentials: AsyncCredentials
    """The vault: ``put``, ``list``, ``delete`` (values are never returned)."""
    evidence: AsyncEvidence
    """The ledger: ``list``, ``iterate``, ``verify``, ``export``."""
    policy: AsyncPolicy
    """The tenant's policy: ``get``, ``put``, ``simulate``."""
    reports: AsyncReports
    """Reports over the recorded decisions: ``rollout``."""
    suspensions: AsyncSuspensions
    """The kill switch: ``list``, ``create``, ``get``, ``resume`` (admin; listing also approver)."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        tenant_id: str | None = None,
        agent_id: str | None = None,
        base_url: str | None = None,
        mode: Mode = DEFAULT_MODE,
        timeout: float = DEFAULT_TIMEOUT_S,
        max_retries: int = DEFAULT_MAX_RETRIES,
        transport: httpx.AsyncBaseTransport | None = None,
        http_client: httpx.AsyncClient | None = None,
        sleep: Callable[[float], Awaitable[None] | None] | None = None,
        random: Callable[[], float] | None = None,
        logger: logging.Logger | None = None,
        deadline: float = DEFAULT_DEADLINE_S,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: Callable[[], float] | None = None,
    ) -> None:
        super().__init__(
            api_key,
            tenant_id=tenant_id,
            agent_id=agent_id,
            base_url=base_url,
            mode=mode,
            timeout=timeout,
            max_retries=max_retries,
            random=random,
            logger=logger,
            deadline=deadline,
            max_response_bytes=max_response_bytes,
            clock=clock,
        )
        self._owns_http = http_client is None
        self._http = (
            http_client
            if http_client is not None
            else httpx.AsyncClient(transport=transport, follow_redirects=False)
        )
        self._sleep = sleep
        self._outcomes = TaskOutcomes(self._run, self._core.log, OUTCOME_QUEUE_LIMIT)
        self._closed = False
        self._attach()

    def _attach(self) -> None:
        self.approvals = AsyncApprovals(self._core, self._run)
        self.tools = AsyncTools(self._core, self._run)
        self.credentials = AsyncCredentials(self._core, self._run)
        self.evidence = AsyncEvidence(self._core, self._run)
        self.policy = AsyncPolicy(self._core, self._run)
        self.reports = AsyncReports(self._core, self._run)
        self.suspensions = AsyncSuspensions(self._core, self._run)
        self.webhooks = AsyncWebhooks(self._core, self._run)

    # -- I/O ----------------------------------------------------------------------------------------

    async def _run(self, flow: Flow[T]) -> T:
        # Imported here, not with the package: asyncio alone costs ~60 ms of `import actpass`.
        import asyncio

        reply: Any = None
        while True:
            try:
                step = flow.send(reply)
            except StopIteration as done:
                return cast(T, done.value)
            if isinstance(step, Send):
                try:
                    sending = send_within_async(self._http, step.request, step.timeout_s, step.max_bytes)
                    reply = await within(sending, step.timeout_s)
                except asyncio.TimeoutError:
                    reply = httpx.ReadTimeout(DEADLINE_PASSED, request=step.request)
                except httpx.RequestError as error:
                    reply = error
            elif isinstance(step, Sleep):
                await self._pause(step.seconds)
                reply = None
            elif isinstance(step, Defer):
                if self._closed:
                    await self._run(step.flow)
                else:
                    self._outcomes.push(step)
                reply = None
            else:
                reply = await call_async(step)

    async def _pause(self, seconds: float) -> None:
        if self._sleep is None:
            import asyncio

            await asyncio.sleep(seconds)
            return
        pending = self._sleep(seconds)
        if is_awaitable(pending):
            await pending

    async def flush(self) -> None:
        """Wait until every outcome record ``guard()`` queued so far has been sent (or dropped, logged)."""
        await self._outcomes.flush()

    async def aclose(self) -> None:
        """Drain the outcome queue, stop its task, and close the connection pool (when owned)."""
        self._closed = True
        await self._outcomes.close()
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    # -- API ----------------------------------------------------------------------------------------

    async def preflight(
        self,
        *,
        timeout: float | None = None,
        max_retries: int | None = None,
        idempotency_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        **params: Unpack[PreflightInput],
    ) -> PreflightDecision:
        """Ask the gateway whether an action may run. Never raises for transport or response problems.

        Args:
            goal: Why the agent acts, e.g. ``"resolve_refund_request"`` (matched by policy rules and
                passports).
            tool: The dotted tool name, e.g. ``"stripe.refund.create"``.
            resource: What the tool acts on, e.g. ``"stripe:charge:ch_123"`` (optional).
            args: The tool's arguments as JSON (amounts in minor units); policy conditions read them.
            mode: ``enforce`` (default), ``strict``, ``warn`` or ``monitor`` (observe only).
            agent_id: The acting agent (default: the client's ``agent_id``).
            user_id: The person the agent acts for, when there is one.
            passport: A passport token scoping this task (``issue_passport``); spent by the decision.
            approval_request_id: Re-run a held action once a person approved it.
            tool_definition: The tool's definition (name, description, input schema) to check for drift.
            tool_hash: The hex SHA-256 of the tool's canonical definition, instead of the definition.
            context: Extra facts for policy conditions (JSON).
            timeout, max_retries, idempotency_key, extra_headers: for this call only.

        Returns:
            The gateway's decision (``d["source"] == "gateway"``: ``decision``, ``reason_code``,
            ``explain``, ``evidence_event_id``, …) or, when no valid answer arrived, the client's own
            fail-closed ``deny`` (``source == "client"``, with ``cause``); see ``is_client_decision``.
        """
        core, build = self._for_call(
            dict(
                timeout=timeout,
                max_retries=max_retries,
                idempotency_key=idempotency_key,
                extra_headers=extra_headers,
            )
        )
        options, mode = build(params)
        return await self._run(core.decision_flow(options, mode))

    @overload
    async def guard(
        self,
        *,
        execute_fn: Callable[[ExecuteContext], Awaitable[R]] | Callable[[], Awaitable[R]],
        wait_for_approval: WaitForApproval | None = None,
        record_outcome: bool = True,
        await_outcome: bool = False,
        raise_on_error: bool = False,
        timeout: float | None = None,
        max_retries: int | None = None,
        idempotency_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        **params: Unpack[PreflightInput],
    ) -> GuardResult[R]: ...

    @overload
    async def guard(
        self,
        *,
        execute_fn: Callable[[ExecuteContext], R] | Callable[[], R],
        wait_for_approval: WaitForApproval | None = None,
        record_outcome: bool = True,
        await_outcome: bool = False,
        raise_on_error: bool = False,
        timeout: float | None = None,
        max_retries: int | None = None,
        idempotency_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        **params: Unpack[PreflightInput],
    ) -> GuardResult[R]: ...

    async def guard(
        self,
        *,
        execute_fn: Callable[..., Any],
        wait_for_approval: WaitForApproval | None = None,
        record_outcome: bool = True,
        await_outcome: bool = False,
        raise_on_error: bool = False,
        timeout: float | None = None,
        max_retries: int | None = None,
        idempotency_key: str | None = None,
        extra_headers: Mapping[str, str] | None = None,
        **params: Unpack[PreflightInput],
    ) -> GuardResult[Any]:
        """Decide, then run ``execute_fn`` at most once, only where the mode allows; never retried.

        Takes every argument of :meth:`preflight` (``goal``, ``tool``, ``resource``, ``args``, ``mode``,
        ``agent_id``, ``user_id``, ``passport``, ``approval_request_id``, ``tool_definition``,
        ``tool_hash``, ``context``) and:

        Args:
            execute_fn: The action: a function of no argument or of the :class:`ExecuteContext`
                (``credential``, ``decision``); plain or ``async``.
            wait_for_approval: ``{"timeout_s": 120}``: on ``require_approval``, wait for a person, then
                decide again with the approval.
            record_outcome: Record ``action.outcome`` evidence (a digest of the result, never the
                result) after ``execute_fn`` runs (default True).
            await_outcome: Send that record before returning (default: in the background; ``flush()``
                and ``close()`` drain it).
            raise_on_error: Re-raise what ``execute_fn`` raised, after its outcome is recorded
                (default False: it comes back in ``error`` and is logged as a warning).
            timeout, max_retries, idempotency_key, extra_headers: for this call's requests only.

        Returns:
            ``{"decision", "result", "error", "executed"}``. Never raises unless ``raise_on_error``.
        """
        core, build = self._for_call(
            dict(
                timeout=timeout,
                max_retries=max_retries,
                idempotency_key=idempotency_key,
                extra_headers=extra_headers,
            )
        )
        flow = guard_flow(
            core,
            build,
            params,
            execute_fn,
            wait_for_approval=wait_for_approval,
            record_outcome=record_outcome,
            await_outcome=await_outcome,
            raise_on_error=raise_on_error,
        )
        return await self._run(flow)

    async def issue_passport(
        self,
        *,
        audience: str,
        goal: str,
        allowed_tools: Sequence[str],
        allowed_resources: Sequence[str] | None = None,
        resource_constraints: Mapping[str, Any] | None = None,
        ttl_seconds: int | None = None,
        risk_tier: str | None = None,
        agent_id: str | None = None,
        user_id: str | None = None,
        action_hash: str | None = None,
        **call: Unpack[CallOptions],
    ) -> IssuedPassport:
        """Issue a short-lived, single-use passport scoping one agent task (role ``agent``).

        Args:
            audience: Who may accept it, e.g. ``"actpass:gateway"``.
            goal: The task's goal; a decision with another goal is ``passport.goal_mismatch``.
            allowed_tools: Tool names or globs (``stripe.refund.*``) the task may call.
            allowed_resources: Resources or globs (default: any).
            resource_constraints: Limits on the arguments, e.g. ``{"amount": {"max": 5000}}``.
            ttl_seconds: Lifetime (default 300; the gateway clamps it to 1 to 3600).
            risk_tier: ``low``, ``medium`` or ``high``.
            agent_id: The agent it is issued to (default: the client's).
            user_id: The person the task is for.
            action_hash: Bind it to one exact action (hex SHA-256 of its canonical form).

        Returns:
            ``{"token", "jti", "expires_at"}``. The token is a secret: never log it.
        """
        options = ep.issue_passport(
            audience=audience,
            goal=goal,
            allowed_tools=allowed_tools,
            allowed_resources=allowed_resources,
            resource_constraints=resource_constraints,
            ttl_seconds=ttl_seconds,
            risk_tier=risk_tier,
            agent_id=agent_id if agent_id is not None else self._core.agent_id,
            user_id=user_id,
            action_hash=action_hash,
        )
        return cast("IssuedPassport", await self._run(self._core_for(call).request_flow(options)))

    async def verify_passport(
        self,
        *,
        token: str,
        audience: str | None = None,
        tool: str | None = None,
        resource: str | None = None,
        args: Mapping[str, Any] | None = None,
        **call: Unpack[CallOptions],
    ) -> PassportVerification | ClientPassportVerification:
        """Check a passport without consuming it; ``tool``, ``resource`` and ``args`` also check that
        it would allow that action. Never raises: fails closed with ``valid: False`` and ``source:
        "client"``."""
        options = ep.verify_passport(token=token, audience=audience, tool=tool, resource=resource, args=args)
        return await self._run(self._core_for(call).verification_flow(options))

    async def revoke_passport(self, jti: str, reason: str, **call: Unpack[CallOptions]) -> PassportRevocation:
        """Revoke the passport ``jti`` (from ``issue_passport``) so no decision accepts it again; ``reason``
        is recorded in the ledger. Revoking twice is not an error."""
        flow = self._core_for(call).request_flow(ep.revoke_passport(jti, reason))
        return cast("PassportRevocation", await self._run(flow))

    async def record_evidence(
        self, *, type: str, data: Mapping[str, Any], **call: Unpack[CallOptions]
    ) -> EvidenceEvent:
        """Append a custom event (``type`` such as ``"refund.reviewed"``, JSON ``data``) to the tenant's
        hash-chained ledger. Never put secret values in ``data``: the ledger keeps it forever."""
        flow = self._core_for(call).request_flow(ep.record_evidence(type, data))
        return cast("EvidenceEvent", await self._run(flow))

    async def jwks(self, **call: Unpack[CallOptions]) -> Jwks:
        """The gateway's public keys, for :func:`actpass.verify_export`."""
        return cast("Jwks", await self._run(self._core_for(call).request_flow(ep.jwks())))

    async def whoami(self, **call: Unpack[CallOptions]) -> WhoAmI:
        """Who the API key is: tenant, key id, roles and (for an agent-bound key) agent. Any valid key."""
        return cast("WhoAmI", await self._run(self._core_for(call).request_flow(ep.whoami())))

    async def health(self, **call: Unpack[CallOptions]) -> Health:
        """The gateway's ``/healthz`` (no API key needed): ``{"status": "ok"}``; raises when unreachable."""
        return cast("Health", await self._run(self._core_for(call).request_flow(ep.health())))
