"""The bounded background queue of outcome records: ``guard()`` returns when ``execute_fn`` returns,
and the ``action.outcome`` evidence is sent afterwards (sync client: one small worker thread; async
client: one task). ``flush()`` waits for what is queued; ``close()`` drains, then stops the worker. A
record that cannot be queued or sent is logged with its evidence id."""

from __future__ import annotations

import contextlib
import logging
import queue
import threading
from collections.abc import Awaitable
from typing import TYPE_CHECKING, Any, Callable

from ._base_client import Defer

if TYPE_CHECKING:
    import asyncio

__all__ = ["TaskOutcomes", "ThreadOutcomes"]

_DROPPED_FULL = "actpass: outcome record dropped for evidence %s: the background queue is full (%d)"
_DROPPED_ERROR = "actpass: outcome record dropped for evidence %s: %s"


class ThreadOutcomes:
    def __init__(self, run: Callable[[Any], Any], log: logging.Logger, limit: int) -> None:
        self._run, self._log, self._limit = run, log, limit
        self._queue: queue.Queue[Defer | None] = queue.Queue(maxsize=limit)
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def push(self, step: Defer) -> None:
        with self._lock:
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="actpass-outcomes", daemon=True)
                self._thread.start()
        try:
            self._queue.put_nowait(step)
        except queue.Full:
            self._log.warning(_DROPPED_FULL, step.evidence_event_id, self._limit)

    def _work(self) -> None:
        while True:
            step = self._queue.get()
            try:
                if step is None:
                    return
                self._run(step.flow)
            except Exception as error:  # the worker must outlive any one record
                self._log.warning(
                    _DROPPED_ERROR, step.evidence_event_id if step else None, type(error).__name__
                )
            finally:
                self._queue.task_done()

    def flush(self) -> None:
        if self._thread is not None:
            self._queue.join()

    def close(self) -> None:
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._queue.join()
            self._queue.put(None)
            thread.join()


class TaskOutcomes:
    def __init__(self, run: Callable[[Any], Awaitable[Any]], log: logging.Logger, limit: int) -> None:
        self._run, self._log, self._limit = run, log, limit
        self._queue: asyncio.Queue[Defer] | None = None
        self._task: asyncio.Task[None] | None = None

    def push(self, step: Defer) -> None:
        import asyncio

        if self._queue is None:
            self._queue = asyncio.Queue(maxsize=self._limit)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._work(self._queue))
        try:
            self._queue.put_nowait(step)
        except asyncio.QueueFull:
            self._log.warning(_DROPPED_FULL, step.evidence_event_id, self._limit)

    async def _work(self, pending: asyncio.Queue[Defer]) -> None:
        # Ends when the queue is empty (push() starts a new one), so no idle task is left waiting: a
        # closing event loop cancels what is left and waits for it, and a worker that sat on an empty
        # queue after a lost cancel (see _io.within) would keep that loop from ever closing.
        while not pending.empty():
            step = pending.get_nowait()
            try:
                await self._run(step.flow)
            except Exception as error:  # the worker must outlive any one record
                self._log.warning(_DROPPED_ERROR, step.evidence_event_id, type(error).__name__)
            finally:
                pending.task_done()

    async def flush(self) -> None:
        if self._queue is not None and self._task is not None and not self._task.done():
            await self._queue.join()

    async def close(self) -> None:
        import asyncio

        await self.flush()
        task, self._task = self._task, None
        if task is not None and not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
