"""``client.reports``: reports over the recorded decisions, sync and async (requests built in
:mod:`._endpoints`, run by the owning client's one core)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from typing_extensions import Unpack

from . import _endpoints as ep
from ._endpoints import Instant
from ._resources import _AsyncResource, _SyncResource
from ._types import CallOptions

if TYPE_CHECKING:
    from ._generated.contract import RolloutReport

__all__ = ["AsyncReports", "Reports"]


class Reports(_SyncResource):
    def rollout(
        self,
        *,
        since: Instant | None = None,
        until: Instant | None = None,
        bucket: str | None = None,
        top: int | None = None,
        **call: Unpack[CallOptions],
    ) -> RolloutReport:
        """Needs ``admin`` or ``approver``. The window's decisions by tool, reason, mode and decision, with
        what enforce would have answered, in time buckets, and the actions enforce would block."""
        return cast("RolloutReport", self._call(ep.rollout_report(since, until, bucket, top), call))


class AsyncReports(_AsyncResource):
    async def rollout(
        self,
        *,
        since: Instant | None = None,
        until: Instant | None = None,
        bucket: str | None = None,
        top: int | None = None,
        **call: Unpack[CallOptions],
    ) -> RolloutReport:
        """Needs ``admin`` or ``approver``. See :meth:`Reports.rollout`."""
        return cast("RolloutReport", await self._call(ep.rollout_report(since, until, bucket, top), call))
