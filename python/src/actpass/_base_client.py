"""The one request-building core shared by ``ActPassClient`` and ``AsyncActPassClient``.

Every call is written once, as a generator ("flow") that yields the I/O it needs (:class:`Send` a
request, :class:`Sleep`, :class:`Call` the user's function) and receives the answers. URL, headers,
the idempotency key, retry decisions, response checks and fail-closed decisions all live here; the two
clients only run the flows, one with blocking I/O and one with ``await``.
"""

from __future__ import annotations

import copy
import json
import logging
import os
import random as _random
import secrets
import time
from collections.abc import Generator, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Callable, TypeVar, Union, cast
from urllib.parse import quote

import httpx

from ._canonical import CanonicalJsonError, parse_json_strict
from ._constants import (
    API_PREFIX,
    APPROVAL_POLL_INTERVAL_S,
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE_S,
    DEFAULT_MAX_RESPONSE_BYTES,
    DEFAULT_MODE,
    ENV_API_KEY,
    ENV_BASE_URL,
    IDEMPOTENCY_HEADER,
    LOGGER_NAME,
    MODES,
    REQUEST_ID_HEADER,
    SDK_HEADER,
    TENANT_HEADER,
)
from ._decisions import client_decision, client_verification, reason_for_error
from ._exceptions import (
    ActPassError,
    APIConnectionError,
    APIError,
    APITimeoutError,
    DeadlineExceededError,
    InvalidResponseError,
    MisconfiguredError,
    error_class_for_status,
)
from ._log_config import apply_env_log_level, escape_for_log
from ._response import APIResult, CredentialLeaseDict
from ._retry import backoff_ms, is_retryable_status, retry_wait_ms
from ._suggest import nearest
from ._trace_context import active_trace_headers
from ._validation import check_response
from ._version import __version__

OVERFLOW = "actpass.overflow"  # set by the clients' I/O on a response longer than the cap

if TYPE_CHECKING:
    from ._decision_types import ClientPassportVerification, PreflightDecision
    from ._generated.contract import ApprovalRequest, Decision, PassportVerification

# What with_options() may replace (the transport, logger and test hooks stay the original's).
OVERRIDABLE = (
    "timeout", "max_retries", "deadline", "max_response_bytes", "mode", "tenant_id", "agent_id",
    "idempotency_key", "extra_headers", "api_key", "base_url", "logger",
)  # fmt: skip

__all__ = [
    "OVERRIDABLE",
    "Call",
    "CallOutcome",
    "ClientCore",
    "Defer",
    "Flow",
    "RequestOptions",
    "Send",
    "Sleep",
    "path_segment",
]

T = TypeVar("T")
# No NullHandler on purpose: until the application configures logging, Python's last-resort handler
# prints WARNING and above to stderr, so fail-closed decisions and retries are visible by default,
# as the TypeScript client's console warnings are.
USER_AGENT = f"actpass-python/{__version__}"
SDK_HEADER_VALUE = f"python/{__version__}"  # the TypeScript client sends typescript/<version>


@dataclass(frozen=True)
class RequestOptions:
    """One logical call. ``schema`` names the generated type the 2xx body must match."""

    method: str
    path: str
    schema: str
    body: Mapping[str, Any] | None = None
    params: Mapping[str, Any] | None = None
    api_path: bool = True  # False for paths outside /api/v1 (the JWKS)


@dataclass(frozen=True)
class Send:
    """Send one attempt: within ``timeout_s`` (the attempt's share of the deadline), reading at most
    ``max_bytes`` of body (decoded)."""

    request: httpx.Request
    timeout_s: float
    max_bytes: int


@dataclass(frozen=True)
class Sleep:
    seconds: float


@dataclass(frozen=True)
class Call:
    """Run the user's function once with ``argument``; the answer is a :class:`CallOutcome`."""

    fn: Callable[[Any], Any]
    argument: Any


@dataclass
class CallOutcome:
    value: Any = None
    error: BaseException | None = field(default=None)
    # False when the function could not be started at all (an async function given to the sync client).
    ran: bool = True


@dataclass(frozen=True)
class Defer:
    """Hand ``flow`` (an outcome record, already built) to the client's background queue; reply None."""

    flow: Generator[Any, Any, Any]
    evidence_event_id: str | None


Step = Union[Send, Sleep, Call, Defer]
# The reply to a Send is an httpx.Response or the httpx.RequestError the attempt raised.
Flow = Generator[Step, Any, T]


def path_segment(value: str) -> str:
    """Percent-encode one path segment: tool names may hold ``/`` and ids come from callers."""
    return quote(str(value), safe="")


class ClientCore:
    """Configuration plus every flow. Holds no connection: the clients own the httpx pools."""

    def __init__(
        self,
        *,
        api_key: str | None,
        tenant_id: str | None,
        agent_id: str | None,
        base_url: str | None,
        mode: str,
        timeout: float,
        max_retries: int,
        random: Callable[[], float] | None,
        logger: logging.Logger | None,
        deadline: float = DEFAULT_DEADLINE_S,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
        clock: Callable[[], float] | None = None,
    ) -> None:
        check_mode(mode)
        if not timeout > 0:
            raise ValueError("timeout must be a positive number of seconds")
        if not deadline > 0:
            raise ValueError("deadline must be a positive number of seconds")
        if max_retries < 0:
            raise ValueError("max_retries must be 0 or more")
        if not max_response_bytes > 0:
            raise ValueError("max_response_bytes must be a positive number of bytes")
        self._api_key = api_key if api_key is not None else os.environ.get(ENV_API_KEY)
        self.base_url = normalise_base_url(base_url or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL)
        self.deadline_s = deadline
        self.max_response_bytes = max_response_bytes
        # Monotonic seconds; tests inject one that also counts their injected sleeps.
        self.clock = clock if clock is not None else time.monotonic
        self.tenant_id = tenant_id
        self.agent_id = agent_id
        self.mode = mode
        self.max_retries = max_retries
        # httpx bounds each socket operation; the clients also hold every attempt to this deadline
        # (the timeout is per attempt), so a server trickling bytes cannot stretch one.
        self.attempt_timeout_s = timeout
        self.timeout = httpx.Timeout(timeout)
        self.random = random if random is not None else _random.random
        if logger is None:
            apply_env_log_level()
        self.log = logger if logger is not None else logging.getLogger(LOGGER_NAME)
        self._key_problem, self._url_problem = _misconfiguration(self._api_key, self.base_url)
        # Set only on copies made by with_options(): sent with every request / every POST of that copy.
        self.extra_headers: dict[str, str] = {}
        self.idempotency_key: str | None = None

    def with_overrides(self, overrides: Mapping[str, Any]) -> ClientCore:
        """A copy with some settings replaced (``with_options``); the original is untouched."""
        unknown = set(overrides) - set(OVERRIDABLE)
        if unknown:
            first = sorted(unknown)[0]
            raise TypeError(
                f"with_options() got unexpected arguments: {', '.join(sorted(unknown))} "
                f"(did you mean {nearest(first, OVERRIDABLE)!r}?)"
            )
        core = copy.copy(self)
        core.extra_headers = dict(self.extra_headers)
        given = {key: value for key, value in overrides.items() if value is not None}
        if "mode" in given:
            check_mode(given["mode"])
        for key in ("timeout", "deadline", "max_response_bytes"):
            if key in given and not given[key] > 0:
                raise ValueError(f"{key} must be a positive number")
        if "max_retries" in given and given["max_retries"] < 0:
            raise ValueError("max_retries must be 0 or more")
        if "timeout" in given:
            core.attempt_timeout_s, core.timeout = given["timeout"], httpx.Timeout(given["timeout"])
        if "deadline" in given:
            core.deadline_s = given["deadline"]
        for key in ("max_retries", "max_response_bytes", "mode", "tenant_id", "agent_id", "idempotency_key"):
            if key in given:
                setattr(core, key, given[key])
        core.extra_headers.update(given.get("extra_headers", {}))
        if "logger" in given:
            core.log = given["logger"]
        if "api_key" in given or "base_url" in given:
            if "api_key" in given:
                core._api_key = given["api_key"]
            if "base_url" in given:
                core.base_url = normalise_base_url(given["base_url"])
            core._key_problem, core._url_problem = _misconfiguration(core._api_key, core.base_url)
        return core

    # -- requests -------------------------------------------------------------------------------

    def build_request(self, options: RequestOptions, idempotency_key: str | None) -> httpx.Request:
        if self._url_problem:
            raise self._url_problem
        headers = {"Accept": "application/json", "User-Agent": USER_AGENT, SDK_HEADER: SDK_HEADER_VALUE}
        if options.api_path:
            if self._key_problem:
                raise self._key_problem
            headers["Authorization"] = f"Bearer {self._api_key}"
            if self.tenant_id:
                headers[TENANT_HEADER] = self.tenant_id
        if idempotency_key:
            headers[IDEMPOTENCY_HEADER] = idempotency_key
        headers.update(active_trace_headers())
        headers.update(self.extra_headers)
        content = None
        if options.body is not None:
            try:
                content = json.dumps(options.body, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
            except (TypeError, ValueError) as exc:
                # Name the type, never the value: it may be a secret.
                raise MisconfiguredError(f"the request body is not JSON: {type(exc).__name__}") from None
            headers["Content-Type"] = "application/json"
        params = {k: v for k, v in (options.params or {}).items() if v is not None}
        url = self.base_url + (API_PREFIX if options.api_path else "") + options.path
        return httpx.Request(
            options.method,
            url,
            params=params,
            headers=headers,
            content=content.encode("utf-8") if content is not None else None,
            extensions={"timeout": self.timeout.as_dict()},
        )

    def request_flow(self, options: RequestOptions) -> Flow[APIResult]:
        """Send with retries within the deadline; return the checked body or raise :class:`ActPassError`."""
        # One key per logical call, reused by every retry, so the gateway answers a retry of a call
        # it already handled with the stored response instead of acting twice.
        # 122 random bits like a UUID v4, without importing uuid (and platform) into `import actpass`.
        idempotency_key = (
            (self.idempotency_key or f"idem_{secrets.token_hex(16)}") if options.method == "POST" else None
        )
        request = self.build_request(options, idempotency_key)
        deadline = self.clock() + self.deadline_s
        last_problem = "no attempt finished"
        retry_index = 0
        while True:
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise _deadline_passed(self.deadline_s, last_problem)
            attempt_s = min(self.attempt_timeout_s, remaining)
            sent_at = self.clock()
            reply = yield Send(request, attempt_s, self.max_response_bytes)
            self._log_attempt(request, reply, self.clock() - sent_at, retry_index + 1)
            can_retry = retry_index < self.max_retries
            if isinstance(reply, httpx.Response):
                if reply.is_success:
                    return self._parse_success(reply, options.schema)
                if not (can_retry and is_retryable_status(reply.status_code)):
                    raise self._status_error(reply)
                wait_ms = retry_wait_ms(retry_index, reply.headers, random=self.random())
                cause = f"HTTP {reply.status_code} (request id {reply.headers.get(REQUEST_ID_HEADER)})"
            else:
                error = _transport_error(reply)
                cut_short = attempt_s < self.attempt_timeout_s and isinstance(error, APITimeoutError)
                if cut_short and not can_retry:
                    raise _deadline_passed(self.deadline_s, error.message)
                if not (can_retry and isinstance(error, APIConnectionError)):
                    raise error
                wait_ms = backoff_ms(retry_index, self.random())
                cause = error.message
            last_problem = cause
            # A retry that could only start after the deadline is not worth the wait.
            if self.clock() + wait_ms / 1000 >= deadline:
                raise _deadline_passed(self.deadline_s, cause)
            self.log.warning(
                "actpass: retrying %s %s in %d ms (retry %d of %d) after %s",
                options.method, options.path, wait_ms, retry_index + 1, self.max_retries, cause,
            )  # fmt: skip
            yield Sleep(wait_ms / 1000)
            retry_index += 1

    def _log_attempt(self, request: httpx.Request, reply: Any, seconds: float, attempt: int) -> None:
        """At debug, one line per attempt, in the order of the gateway's own request log."""
        if not self.log.isEnabledFor(logging.DEBUG):
            return
        response = reply if isinstance(reply, httpx.Response) else None
        request_id = response.headers.get(REQUEST_ID_HEADER) if response is not None else None
        self.log.debug(
            "actpass: %s %s %s %s %.1fms attempt=%d",
            escape_for_log(request_id or "-"),
            request.method,
            # The raw (still percent-encoded) path: an id with a line break stays %0A. Never the query.
            escape_for_log(request.url.raw_path.split(b"?")[0].decode("ascii", "replace")),
            response.status_code if response is not None else "no-response",
            seconds * 1000,
            attempt,
        )

    def _parse_success(self, response: httpx.Response, schema: str) -> APIResult:
        request_id = response.headers.get(REQUEST_ID_HEADER)
        status = response.status_code

        def invalid(message: str, kind: str = "invalid_body") -> InvalidResponseError:
            return InvalidResponseError(
                f"HTTP {status}: {message}",
                request_id=request_id,
                status=status,
                response=response,
                kind=kind,
            )

        content_type = response.headers.get("content-type")
        if not is_json_media_type(content_type):
            shown = repr(content_type[:80]) if content_type else "none"
            raise invalid(f"the media type is {shown}, not application/json", "media_type")
        if response.extensions.get(OVERFLOW):
            raise invalid(
                f"the body is larger than the {self.max_response_bytes}-byte cap (max_response_bytes)",
                "too_large",
            )
        try:
            body = parse_json_strict(response.content)
        except CanonicalJsonError as exc:
            raise invalid(f"the body is not JSON ({exc.code})") from None
        problem = check_response(schema, body)
        if problem:
            raise invalid(f"the body is not a valid {schema}: {problem}")
        if schema == "Decision" and "credential" in body:
            body["credential"] = CredentialLeaseDict(body["credential"])
        return APIResult(body, request_id=request_id, http_response=response)

    def _status_error(self, response: httpx.Response) -> APIError:
        status = response.status_code
        request_id = response.headers.get(REQUEST_ID_HEADER)
        code = message = None
        try:
            body: Any = parse_json_strict(response.content)
        except CanonicalJsonError:
            body = response.text
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            code = error.get("code") if isinstance(error.get("code"), str) else None
            message = error.get("message") if isinstance(error.get("message"), str) else None
            if request_id is None and isinstance(error.get("request_id"), str):
                request_id = error["request_id"]
        text = f"HTTP {status}" + (f" {code}" if code else "") + (f": {message}" if message else "")
        return error_class_for_status(status)(
            text, status=status, code=code, request_id=request_id, body=body, response=response
        )

    # -- calls that never raise -------------------------------------------------------------------

    def decision_flow(self, options: RequestOptions, mode: str) -> Flow[PreflightDecision]:
        """Preflight: a gateway decision, or a client-made fail-closed ``deny``; never raises."""
        try:
            if mode not in MODES:
                shown = escape_for_log(mode[:40]) if isinstance(mode, str) else type(mode).__name__
                raise MisconfiguredError(
                    f"unknown mode {shown!r}: did you mean {nearest(mode, MODES)!r}?",
                    fix=f"Set mode= to one of {', '.join(MODES)}.",
                )
            _check_action_fields(options.body or {})
            return cast("Decision", (yield from self.request_flow(options)))
        except Exception as error:  # anything at all, even a bug: never an allow, never a raise
            self.log.warning(
                "actpass: preflight failed closed (%s): %s", reason_for_error(error), _describe(error)
            )
            return client_decision(error, mode=mode if mode in MODES else DEFAULT_MODE)

    def verification_flow(
        self, options: RequestOptions
    ) -> Flow[PassportVerification | ClientPassportVerification]:
        try:
            return cast("PassportVerification", (yield from self.request_flow(options)))
        except Exception as error:  # never raises, whatever went wrong
            self.log.warning("actpass: passport verification failed closed: %s", _describe(error))
            return client_verification(error)

    def next_page(self, options: RequestOptions, page: Mapping[str, Any]) -> RequestOptions | None:
        """The request for the page after ``page`` (same filters, cursor moved on), or None at the end.

        Both clients' iterators (``for`` and ``async for``) walk pages with this one rule.
        """
        cursor = page.get("next_after_seq")
        if cursor is None:
            return None
        return replace(options, params={**(options.params or {}), "after_seq": cursor})

    def approval_wait_flow(
        self, approval_id: str, timeout_s: float, poll_interval_s: float = APPROVAL_POLL_INTERVAL_S
    ) -> Flow[ApprovalRequest]:
        """Poll until the request leaves ``pending`` or ``timeout_s`` passes; return the last state read."""
        options = RequestOptions("GET", f"/approvals/{path_segment(approval_id)}", "ApprovalRequest")
        started, slept = time.monotonic(), 0.0
        while True:
            approval = cast("ApprovalRequest", (yield from self.request_flow(options)))
            # Count injected sleeps too, so a fake clock in tests still reaches the deadline.
            remaining = timeout_s - max(time.monotonic() - started, slept)
            if approval["status"] != "pending" or remaining <= 0:
                return approval
            pause = min(poll_interval_s, remaining)
            yield Sleep(pause)
            slept += pause


_ACTION_FIELDS = (
    ("tool", 'a dotted tool name such as "stripe.refund.create"'),
    ("goal", 'why the agent acts, such as "resolve_refund_request"'),
)


def _check_action_fields(body: Mapping[str, Any]) -> None:
    """Fields a decision cannot be asked without: named here, before a request goes out."""
    for field_name, example in _ACTION_FIELDS:
        value = body.get(field_name)
        if not isinstance(value, str) or not value:
            raise MisconfiguredError(f"the action has no {field_name}", fix=f"Pass {field_name}=: {example}.")


def is_json_media_type(content_type: str | None) -> bool:
    """``application/json`` or any ``application/…+json``, case-insensitive, parameters ignored."""
    if not content_type:
        return False
    essence = content_type.split(";", 1)[0].strip().lower()
    if essence == "application/json":
        return True
    kind, _, subtype = essence.partition("/")
    return kind == "application" and subtype.endswith("+json") and len(subtype) > len("+json")


def normalise_base_url(raw: str) -> str:
    """The gateway's root. A base URL ending in the API prefix (``…/api/v1``, the usual slip) is taken as
    its root instead of being sent to ``…/api/v1/api/v1/…`` and answered 404."""
    trimmed = raw.rstrip("/")
    return trimmed[: -len(API_PREFIX)] if trimmed.endswith(API_PREFIX) else trimmed


def _deadline_passed(deadline_s: float, last_problem: str) -> DeadlineExceededError:
    return DeadlineExceededError(
        f"no answer within the {deadline_s:g} s deadline (deadline=); last: {last_problem}"
    )


def _describe(error: Exception) -> str:
    # Our own messages are written to be safe to log; a foreign exception's text might not be.
    return str(error) if isinstance(error, ActPassError) else f"unexpected {type(error).__name__}"


def _transport_error(error: BaseException) -> ActPassError:
    if isinstance(error, httpx.TimeoutException):
        return APITimeoutError(f"the request timed out ({type(error).__name__})")
    if isinstance(error, httpx.DecodingError):
        return InvalidResponseError("the response body could not be decoded")
    if isinstance(error, ActPassError):
        return error
    return APIConnectionError(f"no response from the gateway ({type(error).__name__})")


KEY_FIX = f"Pass api_key= or set {ENV_API_KEY}; `actpass dev` prints a key when it starts."
URL_FIX = f"Set base_url= (or {ENV_BASE_URL}) to the gateway's root, e.g. {DEFAULT_BASE_URL}."


def _misconfiguration(
    api_key: str | None, base_url: str
) -> tuple[MisconfiguredError | None, MisconfiguredError | None]:
    key_problem = url_problem = None
    if not api_key:
        key_problem = MisconfiguredError(f"no API key: pass api_key= or set {ENV_API_KEY}", fix=KEY_FIX)
    elif any(ch.isspace() or ord(ch) < 0x20 for ch in api_key):
        key_problem = MisconfiguredError("the API key contains whitespace or control characters", fix=KEY_FIX)
    try:
        url = httpx.URL(base_url)
        if url.scheme not in ("http", "https") or not url.host:
            url_problem = MisconfiguredError("the base URL must be http(s)://host[:port]", fix=URL_FIX)
    except httpx.InvalidURL:
        url_problem = MisconfiguredError("the base URL is not a valid URL", fix=URL_FIX)
    return key_problem, url_problem


def check_mode(mode: object) -> None:
    """A mode typo, caught where it is made: the bad value and the nearest valid mode."""
    if mode in MODES:
        return
    shown = escape_for_log(mode[:40]) if isinstance(mode, str) else type(mode).__name__
    raise ValueError(
        f"unknown mode {shown!r}: did you mean {nearest(mode, MODES)!r}? "
        f"Set mode= to one of {', '.join(MODES)}."
    )
