"""Cancelling async work must stop it: a cancel that arrives just as a response does is not lost
(Python 3.11's ``asyncio.wait_for`` returns the response then, and the caller's guard() would go on to
run the tool), and the outcome worker never keeps an event loop from closing."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import pytest

from actpass._background import TaskOutcomes
from actpass._base_client import Defer
from actpass._io import within


async def test_a_cancel_that_arrives_with_the_answer_is_not_swallowed() -> None:
    answer: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def attempt() -> str:
        return await answer

    call = asyncio.ensure_future(within(attempt(), 10))
    await asyncio.sleep(0)  # the call is now waiting for its answer
    answer.set_result("allow")  # the answer and the cancel land in the same turn of the loop
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call


async def test_within_still_times_out_and_returns_answers() -> None:
    async def slow() -> str:
        await asyncio.sleep(3600)
        return "never"

    async def quick() -> str:
        return "allow"

    with pytest.raises(asyncio.TimeoutError):
        await within(slow(), 0.01)
    assert await within(quick(), 10) == "allow"


def test_an_outcome_worker_that_missed_its_cancel_still_lets_the_loop_close() -> None:
    async def send_swallowing_the_cancel(_flow: Any) -> None:
        # What a send does when its cancel is lost (see the module docstring): it just returns.
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            return

    async def guarded_calls_then_exit() -> None:
        outcomes = TaskOutcomes(send_swallowing_the_cancel, logging.getLogger("test"), 10)
        outcomes.push(Defer(flow=iter(()), evidence_event_id="ev_1"))  # type: ignore[arg-type]
        await asyncio.sleep(0)  # the record is in flight when the program ends

    finished = threading.Event()

    def program() -> None:
        asyncio.run(guarded_calls_then_exit())  # cancels what is left, then waits for it to end
        finished.set()

    threading.Thread(target=program, daemon=True).start()
    assert finished.wait(10), "asyncio.run() never returned: the outcome worker kept the loop open"
