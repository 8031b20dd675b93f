"""The namespaces of a client: ``client.approvals``, ``client.tools``, ``client.credentials``,
``client.evidence``, ``client.policy``, ``client.reports`` and ``client.suspensions``, each in a blocking
and an asyncio form.

You do not construct these: the client makes them. They are public so that their methods have a
documented home (and a type you can name in your own signatures)."""

from __future__ import annotations

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

__all__ = [
    "Approvals",
    "AsyncApprovals",
    "AsyncCredentials",
    "AsyncEvidence",
    "AsyncPolicy",
    "AsyncReports",
    "AsyncSuspensions",
    "AsyncTools",
    "Credentials",
    "Evidence",
    "Policy",
    "Reports",
    "Suspensions",
    "Tools",
]
