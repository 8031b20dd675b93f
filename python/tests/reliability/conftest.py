"""Session fixtures for the reliability suites: one served gateway and one fault proxy in front of it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from _served import FaultProxy, ServedGateway, start_gateway, unavailable


@pytest.fixture(scope="session")
def served_gateway(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServedGateway]:
    reason = unavailable()
    if reason:
        pytest.skip(f"served-gateway suites skipped: {reason}")
    state: Path = tmp_path_factory.mktemp("actpass-state")
    gateway = start_gateway(state)
    yield gateway
    gateway.stop()


@pytest.fixture(scope="session")
def fault_proxy(served_gateway: ServedGateway) -> Iterator[FaultProxy]:
    proxy = FaultProxy.start(served_gateway.url)
    yield proxy
    proxy.close()
