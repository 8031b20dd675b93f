"""The namespaces of a client: ``client.approvals``, ``client.tools``, ``client.credentials``,
``client.evidence``, ``client.policy`` and ``client.reports``, each in a blocking and an asyncio form.

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
    AsyncTools,
    Credentials,
    Evidence,
    Policy,
    Tools,
)

__all__ = [
    "Approvals",
    "AsyncApprovals",
    "AsyncCredentials",
    "AsyncEvidence",
    "AsyncPolicy",
    "AsyncReports",
    "AsyncTools",
    "Credentials",
    "Evidence",
    "Policy",
    "Reports",
    "Tools",
]
