"""Who a request is (an API key's tenant, roles and id) and what the gateway answers it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Principal:
    """Who an API key is: its tenant, roles, stable id (never the key) and, optionally, its agent."""

    tenant_id: str
    roles: frozenset[str]
    key_id: str
    agent_id: str | None = None

    @property
    def writer(self) -> dict[str, Any]:
        return {"key_id": self.key_id, "roles": sorted(self.roles)}


@dataclass(frozen=True)
class Response:
    status: int
    body: Any
    request_id: str
