"""Fixtures shared by the unit tests; helpers live in ``_helpers.py``."""

from __future__ import annotations

from typing import Any, Callable

import pytest
from _helpers import FakeGateway, Sleeps, new_client


@pytest.fixture
def gateway() -> FakeGateway:
    return FakeGateway()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture(params=["sync", "async"])
def kind(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def make_client(kind: str, gateway: FakeGateway, sleeps: Sleeps) -> Callable[..., Any]:
    """Builds the parametrized kind of client against the fake gateway."""
    return lambda **options: new_client(kind, gateway, sleeps, **options)
