"""What every call returns: a plain ``dict`` that also carries its request id and raw response."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["APIResult", "CredentialLeaseDict", "request_id_of"]


class APIResult(dict):  # type: ignore[type-arg]
    """A JSON object from the gateway (or made by the client), plus where it came from.

    It is a ``dict``: ``d["decision"]`` works and ``json.dumps(d)`` gives the body back. The extras
    are attributes so they never collide with a field: ``request_id`` (the ``x-request-id`` of the
    response, None when no response arrived) and ``http_response`` (the last ``httpx.Response``).
    """

    request_id: str | None
    http_response: httpx.Response | None

    def __init__(
        self,
        data: dict[str, Any],
        *,
        request_id: str | None = None,
        http_response: httpx.Response | None = None,
    ) -> None:
        super().__init__(data)
        self.request_id = request_id
        self.http_response = http_response


class CredentialLeaseDict(dict):  # type: ignore[type-arg]
    """A credential lease whose ``repr`` hides the secret: printing or logging a decision cannot leak it."""

    def __repr__(self) -> str:
        shown = {key: ("***" if key == "value" else value) for key, value in self.items()}
        return repr(shown)

    __str__ = __repr__


def request_id_of(result: object) -> str | None:
    """The request id of any result (``None`` for plain dicts); typed access for mypy users."""
    return getattr(result, "request_id", None)
