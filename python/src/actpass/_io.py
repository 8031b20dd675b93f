"""How the clients carry out one step's I/O: send a request within the attempt's deadline, and call
the caller's ``execute_fn`` exactly once, reporting (never raising) what it raised."""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Awaitable, Iterator
from typing import Any, TypeVar, cast

import httpx
from typing_extensions import TypeGuard

from ._base_client import OVERFLOW, Call, CallOutcome

T = TypeVar("T")


def is_awaitable(value: object) -> TypeGuard[Awaitable[Any]]:
    # inspect.isawaitable without importing inspect (~12 ms of `import actpass`).
    return isinstance(value, Awaitable)


DEADLINE_PASSED = "the attempt did not complete within the client's timeout"


class _DeadlineStream(httpx.SyncByteStream):
    """Ends a response body that is still arriving when the attempt's deadline passes."""

    def __init__(self, inner: httpx.SyncByteStream, deadline: float, request: httpx.Request) -> None:
        self._inner, self._deadline, self._request = inner, deadline, request

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if time.monotonic() > self._deadline:
                raise httpx.ReadTimeout(DEADLINE_PASSED, request=self._request)
            yield chunk

    def close(self) -> None:
        self._inner.close()


def _declared_too_large(response: httpx.Response, cap: int) -> bool:
    # Only a plain body's length is known up front; an encoded one is counted as it decompresses.
    declared = response.headers.get("content-length", "")
    return "content-encoding" not in response.headers and declared.isdigit() and int(declared) > cap


def _keep(response: httpx.Response, chunks: list[bytes], overflow: bool) -> None:
    response._content = b"".join(chunks)  # what httpx's own read() stores
    if overflow:
        response.extensions[OVERFLOW] = True


def send_within(http: httpx.Client, request: httpx.Request, seconds: float, cap: int) -> httpx.Response:
    # Connecting and each read are bounded by httpx's own timeouts; the body is read here, chunk by
    # chunk, so a trickling server is cut off at the deadline (at most one read timeout late), and
    # reading stops at `cap` decoded bytes (a gzip bomb is cut off like a plain large body).
    deadline = time.monotonic() + seconds
    request.extensions["timeout"] = httpx.Timeout(seconds).as_dict()
    response = http.send(request, stream=True)
    try:
        response.stream = _DeadlineStream(cast(httpx.SyncByteStream, response.stream), deadline, request)
        chunks: list[bytes] = []
        size, overflow = 0, _declared_too_large(response, cap)
        if not overflow:
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > cap:
                    overflow = True
                    break
                chunks.append(chunk)
        _keep(response, chunks, overflow)
    finally:
        response.close()
    return response


async def within(awaitable: Awaitable[T], seconds: float) -> T:
    """``await awaitable``, raising ``asyncio.TimeoutError`` after ``seconds``, and never losing a cancel.

    Python 3.11's ``asyncio.wait_for`` returns the answer when the caller's cancel arrives in the same
    turn of the loop as that answer: the cancel is lost, so a cancelled ``guard()`` could go on to run
    the tool, and a cancelled background task keeps running. ``asyncio.timeout`` (3.11+) keeps it."""
    import asyncio

    if sys.version_info >= (3, 11):
        async with asyncio.timeout(seconds):
            return await awaitable
    # 3.9/3.10: wait in a separate task; asyncio.wait never turns a cancel into a result.
    task = asyncio.ensure_future(awaitable)
    try:
        done, _ = await asyncio.wait({task}, timeout=seconds)
    except BaseException:
        task.cancel()
        raise
    if task in done:
        return task.result()
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    raise asyncio.TimeoutError


async def send_within_async(
    http: httpx.AsyncClient, request: httpx.Request, seconds: float, cap: int
) -> httpx.Response:
    """The async twin of :func:`send_within`; the caller bounds the whole attempt with :func:`within`."""
    request.extensions["timeout"] = httpx.Timeout(seconds).as_dict()
    response = await http.send(request, stream=True)
    try:
        chunks: list[bytes] = []
        size, overflow = 0, _declared_too_large(response, cap)
        if not overflow:
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > cap:
                    overflow = True
                    break
                chunks.append(chunk)
        _keep(response, chunks, overflow)
    finally:
        await response.aclose()
    return response


_COROUTINE_IN_SYNC = "execute_fn returned an awaitable; use AsyncActPassClient for async functions"


def call_sync(step: Call) -> CallOutcome:
    try:
        value = step.fn(step.argument)
    except Exception as error:  # the caller's failure is reported, never re-raised
        return CallOutcome(error=error)
    if is_awaitable(value):
        # Never started, so nothing ran: report it rather than leave a coroutine un-awaited.
        close = getattr(value, "close", None)
        if close:
            close()
        return CallOutcome(error=TypeError(_COROUTINE_IN_SYNC), ran=False)
    return CallOutcome(value=value)


async def call_async(step: Call) -> CallOutcome:
    try:
        value = step.fn(step.argument)
        if is_awaitable(value):
            value = await value
    except Exception as error:  # the caller's failure is reported, never re-raised
        return CallOutcome(error=error)
    return CallOutcome(value=value)
