"""``guard()``: decide, then run the caller's function only when the mode's table allows."""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Mapping
from types import FunctionType
from typing import TYPE_CHECKING, Any, Callable, Generic, TypeVar, cast

from typing_extensions import TypedDict

from ._base_client import Call, CallOutcome, ClientCore, Defer, Flow, RequestOptions
from ._canonical import CanonicalJsonError, canonical_bytes
from ._constants import DEFAULT_APPROVAL_WAIT_S, DEFAULT_MODE, MODES
from ._decisions import client_decision
from ._exceptions import ActPassError, MisconfiguredError

if TYPE_CHECKING:
    from ._decision_types import PreflightDecision
    from ._generated.contract import (
        CredentialLease,
        Decision,  # noqa: F401 (PreflightDecision's gateway half, for pdoc)
    )

__all__ = [
    "ExecuteContext",
    "GuardResult",
    "WaitForApproval",
    "execute_fn_problem",
    "guard_flow",
    "should_execute",
]


class ExecuteContext(TypedDict):
    """What ``execute_fn`` receives."""

    credential: CredentialLease | None
    """The vaulted credential bound to the tool, leased for this action; None when none is bound."""
    decision: PreflightDecision
    """The decision that let the action run (a client decision only in ``monitor``)."""


R = TypeVar("R")


class GuardResult(TypedDict, Generic[R]):
    """What ``guard()`` learned. ``result`` is what ``execute_fn`` returned (awaited, for an async one),
    typed from it; ``error`` is what it raised. Check ``executed`` first, then ``error``."""

    decision: PreflightDecision
    """The decision that governed ``execute_fn``: the gateway's, or the client's fail-closed one."""
    result: R | None
    """What ``execute_fn`` returned; None when it did not run or raised."""
    error: Exception | None
    """What ``execute_fn`` raised (also logged as a warning naming the tool and the evidence id)."""
    executed: bool
    """Whether ``execute_fn`` ran."""


class WaitForApproval(TypedDict, total=False):
    timeout_s: float


def should_execute(decision: Mapping[str, Any], mode: str) -> bool:
    """enforce/strict run on ``allow``; warn also on ``warn``; monitor always (observe only)."""
    if mode == "monitor":
        return True
    if decision.get("source") != "gateway":  # a client-made decision never lets an action through
        return False
    if decision["decision"] == "allow":
        return True
    return mode == "warn" and decision["decision"] == "warn"


def guard_flow(
    core: ClientCore,
    preflight: Callable[[Mapping[str, Any]], tuple[RequestOptions, str]],
    params: Mapping[str, Any],
    execute_fn: Callable[..., Any],
    *,
    wait_for_approval: WaitForApproval | None,
    record_outcome: bool,
    await_outcome: bool = False,
    raise_on_error: bool = False,
) -> Flow[GuardResult[Any]]:
    options, mode = preflight(params)
    arity = _arity(execute_fn)
    problem = _execute_fn_problem(execute_fn, arity)
    if problem is not None:
        # Checked before deciding: a one-time approval or passport must not be spent on a call that
        # could never run the action.
        core.log.warning("actpass: guard() failed closed (client.misconfigured): %s", problem.message)
        misconfigured = client_decision(problem, mode=mode if mode in MODES else DEFAULT_MODE)
        return GuardResult(decision=misconfigured, result=None, error=None, executed=False)
    if arity == 0:
        no_argument = cast(Callable[[], Any], execute_fn)
        execute_fn = lambda _context: no_argument()  # noqa: E731
    decision = yield from core.decision_flow(options, mode)
    approval_id = decision.get("approval_request_id") if decision["source"] == "gateway" else None
    if (
        wait_for_approval is not None
        and mode != "monitor"
        and decision["decision"] == "require_approval"
        and approval_id
    ):
        timeout_s = wait_for_approval.get("timeout_s", DEFAULT_APPROVAL_WAIT_S)
        decision = yield from _rerun_once_approved(core, preflight, params, decision, approval_id, timeout_s)
    if not should_execute(decision, mode):
        return GuardResult(decision=decision, result=None, error=None, executed=False)
    if decision["decision"] == "warn" or (mode == "monitor" and decision["decision"] != "allow"):
        core.log.warning(
            "actpass: running %s although the decision is %s (%s) in %s mode",
            params.get("tool"), decision["decision"], decision["reason_code"], mode,
        )  # fmt: skip
    credential = decision.get("credential") if decision["source"] == "gateway" else None
    context = ExecuteContext(credential=credential, decision=decision)
    started = time.monotonic()
    # Executed exactly once: a Call step is never retried, whatever it raises.
    outcome: CallOutcome = yield Call(execute_fn, context)
    duration_ms = round((time.monotonic() - started) * 1000)
    if not outcome.ran:
        return GuardResult(decision=decision, result=None, error=_as_exception(outcome.error), executed=False)
    if outcome.error is not None:
        _log_execute_error(core, decision, params.get("tool"), outcome.error, raise_on_error)
    # A client-made decision means the gateway just failed us: there is no ledger event to link to.
    if record_outcome and decision["source"] == "gateway":
        # Built now (the result's digest is taken before guard() returns and the caller can change
        # it), sent in the background unless the caller asked to wait for it.
        record = _record_outcome(core, decision, params, outcome, duration_ms)
        if await_outcome:
            yield from record
        else:
            yield Defer(record, decision["evidence_event_id"])
    if outcome.error is not None and raise_on_error:
        raise outcome.error  # the caller's own exception, after its outcome is recorded
    return GuardResult(
        decision=decision, result=outcome.value, error=_as_exception(outcome.error), executed=True
    )


def _log_execute_error(
    core: ClientCore, decision: PreflightDecision, tool: Any, error: BaseException, raised: bool
) -> None:
    """Only the error's type: its message and the args may carry personal data or secrets. %r keeps a
    hostile tool name or error name on one line. With ``raise_on_error`` the caller sees it: debug."""
    level = logging.DEBUG if raised else logging.WARNING
    core.log.log(
        level,
        "actpass: execute_fn raised %s for tool %r (evidence %s)",
        repr(type(error).__name__)[1:-1][:80],
        tool,
        decision.get("evidence_event_id"),
    )


def _as_exception(error: BaseException | None) -> Exception | None:
    # call_sync/call_async catch Exception only; anything else propagates before it gets here.
    return error if error is None or isinstance(error, Exception) else Exception(repr(error))


_EXECUTE_FIX = (
    "Pass execute_fn=: a function taking no argument or one (the ExecuteContext), "
    "e.g. execute_fn=lambda ctx: refund(ctx['credential'])."
)


def execute_fn_problem(execute_fn: Any) -> MisconfiguredError | None:
    """Why ``execute_fn`` cannot be called with zero or one positional argument, or None when it can."""
    return _execute_fn_problem(execute_fn, _arity(execute_fn) if callable(execute_fn) else None)


def _execute_fn_problem(execute_fn: Any, arity: int | None) -> MisconfiguredError | None:
    if not callable(execute_fn):
        return MisconfiguredError(
            f"execute_fn is not callable ({type(execute_fn).__name__})", fix=_EXECUTE_FIX
        )
    if arity is None:
        return MisconfiguredError(
            "execute_fn needs more than one argument; guard() passes at most one", fix=_EXECUTE_FIX
        )
    return None


_VARARGS = 0x04  # CO_VARARGS: the function takes *args


def _arity(fn: Callable[..., Any]) -> int | None:
    """0 when ``fn`` takes no argument, 1 when it takes one, None when it needs more (or keyword-only)."""
    if not callable(fn):
        return None
    # A plain function (``def`` or lambda) is read from its code object: ``inspect.signature`` costs
    # tens of microseconds per guard() call. Anything that may present another signature (a wrapper
    # with ``__wrapped__``, an explicit ``__signature__``, a method, a callable object) asks inspect.
    if type(fn) is FunctionType and not hasattr(fn, "__wrapped__") and not hasattr(fn, "__signature__"):
        code = fn.__code__
        required_count = code.co_argcount - len(fn.__defaults__ or ())
        keyword_only_count = code.co_kwonlyargcount - len(fn.__kwdefaults__ or {})
        if keyword_only_count > 0 or required_count > 1:
            return None
        return 1 if code.co_argcount or code.co_flags & _VARARGS else 0
    import inspect  # on the first guard() only: inspect costs ~12 ms of `import actpass`

    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return 1  # a builtin without a signature: call it with the context, as before
    kinds = inspect.Parameter
    positional = [
        p
        for p in signature.parameters.values()
        if p.kind in (kinds.POSITIONAL_ONLY, kinds.POSITIONAL_OR_KEYWORD)
    ]
    required = [p for p in positional if p.default is kinds.empty]
    keyword_only = [
        p for p in signature.parameters.values() if p.kind == kinds.KEYWORD_ONLY and p.default is kinds.empty
    ]
    if keyword_only or len(required) > 1:
        return None
    takes_more = any(p.kind == kinds.VAR_POSITIONAL for p in signature.parameters.values())
    return 1 if required or positional or takes_more else 0


def _rerun_once_approved(
    core: ClientCore,
    preflight: Callable[[Mapping[str, Any]], tuple[RequestOptions, str]],
    params: Mapping[str, Any],
    held: PreflightDecision,
    approval_id: str,
    timeout_s: float,
) -> Flow[PreflightDecision]:
    try:
        approval = yield from core.approval_wait_flow(approval_id, timeout_s)
    except ActPassError as error:
        core.log.warning("actpass: could not read approval %s: %s", approval_id, error)
        return held
    if approval["status"] == "pending":
        return held
    # The approval carries the delegation verified when it was requested; sending the (already used)
    # passport again would be `passport.replayed`. A denied or expired approval gets its own answer.
    rerun = {key: value for key, value in params.items() if key != "passport"}
    options, mode = preflight({**rerun, "approval_request_id": approval_id})
    return (yield from core.decision_flow(options, mode))


def _record_outcome(
    core: ClientCore,
    decision: PreflightDecision,
    params: Mapping[str, Any],
    outcome: CallOutcome,
    duration_ms: int,
) -> Flow[None]:
    data = {
        "evidence_event_id": decision.get("evidence_event_id"),
        "tool": params.get("tool"),
        "outcome": "ok" if outcome.error is None else "error",
        "duration_ms": duration_ms,
        "result_sha256": result_sha256(outcome.value) if outcome.error is None else None,
    }
    options = RequestOptions(
        "POST", "/evidence", "EvidenceEvent", body={"type": "action.outcome", "data": data}
    )
    if core.idempotency_key:
        # The caller's key names the decision; the record gets its own, derived from it, so a re-run
        # of the whole call repeats (not duplicates) the record too.
        core = core.with_overrides({"idempotency_key": f"{core.idempotency_key}.outcome"})
    return _send_outcome(core, options, data["evidence_event_id"])


def _send_outcome(core: ClientCore, options: RequestOptions, evidence_event_id: Any) -> Flow[None]:
    try:
        yield from core.request_flow(options)  # one idempotency key for the record and its retries
    except ActPassError as error:
        core.log.warning("actpass: outcome record dropped for evidence %s: %s", evidence_event_id, error)


def result_sha256(result: Any) -> str | None:
    """Hex SHA-256 of the result's canonical JSON; None when it has no JSON form. Never the result itself."""
    try:
        return hashlib.sha256(canonical_bytes(result)).hexdigest()
    except CanonicalJsonError:
        return None
