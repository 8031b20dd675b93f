"""Verifying a webhook delivery from an ActPass gateway (Standard Webhooks signing).

The ``webhook-signature`` header holds one or more ``v1,<base64 HMAC-SHA256>`` entries over
``"<webhook-id>.<webhook-timestamp>.<raw body>"``, keyed with the bytes inside the endpoint's ``whsec_``
secret; several entries let a receiver accept either key while a secret is rotated.

>>> from actpass import webhooks
>>> event = webhooks.verify(request_body, request_headers, secret)  # raises WebhookVerificationError
>>> event["type"], event["data"]["approval"]["id"]
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Union, cast

from ._base_client import RequestOptions, path_segment
from ._exceptions import ActPassError
from ._resources import _AsyncResource, _SyncResource

if TYPE_CHECKING:
    from collections.abc import Sequence

    from typing_extensions import Unpack

    from ._generated.contract import (
        Webhook,
        WebhookDeletion,
        WebhookDelivery,
        WebhookDeliveryList,
        WebhookEvent,
        WebhookList,
    )
    from ._types import CallOptions

__all__ = ["WEBHOOK_TOLERANCE_SECONDS", "AsyncWebhooks", "WebhookVerificationError", "Webhooks", "verify"]

#: How far ``webhook-timestamp`` may be from now, either way, by default.
WEBHOOK_TOLERANCE_SECONDS = 300
_SECRET_PREFIX = "whsec_"
_MIN_KEY_BYTES = 16
_TIMESTAMP = re.compile(r"^[0-9]{1,15}$")
_BASE64 = re.compile(r"^[A-Za-z0-9+/]+={0,2}$")

Payload = Union[str, bytes, bytearray, memoryview]


class WebhookVerificationError(ActPassError):
    """The delivery is not one to act on. ``code`` is one of ``invalid_secret``, ``missing_header``,
    ``invalid_timestamp``, ``timestamp_out_of_tolerance``, ``invalid_signature``, ``invalid_payload``
    (the same codes as the TypeScript SDK). The message never contains the secret."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def verify(
    payload: Payload,
    headers: Mapping[str, Any],
    secret: str,
    *,
    tolerance_seconds: int = WEBHOOK_TOLERANCE_SECONDS,
    now: float | None = None,
) -> WebhookEvent:
    """Check a delivery and return its event.

    ``payload`` must be the raw body exactly as received (``bytes`` or ``str``): re-serialised JSON will
    not verify. ``headers`` is any mapping (a ``dict``, ``httpx.Headers``, a framework's request
    headers); names match in any case. ``now`` is epoch seconds (tests). Raises
    :class:`WebhookVerificationError`.
    """
    key = _secret_bytes(secret)
    msg_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    if not _TIMESTAMP.match(timestamp):
        raise WebhookVerificationError(
            "invalid_timestamp", "The webhook-timestamp header must be whole seconds since the epoch."
        )
    current = int(time.time() if now is None else now)
    if abs(current - int(timestamp)) > tolerance_seconds:
        raise WebhookVerificationError(
            "timestamp_out_of_tolerance",
            f"The webhook-timestamp is more than {tolerance_seconds} s from now: a replayed or delayed "
            "delivery (or a skewed clock).",
        )
    body = payload.encode("utf-8") if isinstance(payload, str) else bytes(payload)
    expected = hmac.new(key, f"{msg_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    matched = False
    for entry in signatures.split(" "):
        version, _, value = entry.partition(",")
        if version != "v1" or not value:
            continue
        given = _base64(value)
        # Every entry is compared in full, in constant time, so timing says nothing about which matched.
        if given is not None and hmac.compare_digest(given, expected):
            matched = True
    if not matched:
        raise WebhookVerificationError(
            "invalid_signature",
            "No v1 entry of the webhook-signature header matches: the body was changed, or the secret is "
            "not this endpoint's.",
        )
    return _event(body, msg_id)


def _endpoint_path(webhook_id: str) -> str:
    return f"/webhooks/{path_segment(webhook_id)}"


def _put_options(
    webhook_id: str,
    *,
    url: str,
    events: Sequence[str],
    format: str | None,
    secret: str | None,
    enabled: bool | None,
) -> RequestOptions:
    fields = {"url": url, "events": list(events), "format": format, "secret": secret, "enabled": enabled}
    body = {key: value for key, value in fields.items() if value is not None}
    return RequestOptions("PUT", _endpoint_path(webhook_id), "Webhook", body=body)


def _deliveries_options(status: str | None, webhook_id: str | None, limit: int | None) -> RequestOptions:
    params = {"status": status, "webhook_id": webhook_id, "limit": limit}
    return RequestOptions("GET", "/webhook-deliveries", "WebhookDeliveryList", params=params)


def _retry_options(delivery_id: str) -> RequestOptions:
    return RequestOptions("POST", f"/webhook-deliveries/{path_segment(delivery_id)}/retry", "WebhookDelivery")


class Webhooks(_SyncResource):
    """``client.webhooks``: verifying deliveries (no API key, no I/O) and, with an ``admin`` key, the
    endpoints and their delivery log."""

    def verify(
        self,
        payload: Payload,
        headers: Mapping[str, Any],
        secret: str,
        *,
        tolerance_seconds: int = WEBHOOK_TOLERANCE_SECONDS,
        now: float | None = None,
    ) -> WebhookEvent:
        """See :func:`actpass.webhooks.verify`."""
        return verify(payload, headers, secret, tolerance_seconds=tolerance_seconds, now=now)

    def list(self, **call: Unpack[CallOptions]) -> WebhookList:
        """Needs ``admin``. Every endpoint; URLs shortened, secrets never returned."""
        return cast("WebhookList", self._call(RequestOptions("GET", "/webhooks", "WebhookList"), call))

    def get(self, webhook_id: str, **call: Unpack[CallOptions]) -> Webhook:
        """Needs ``admin``."""
        return cast("Webhook", self._call(RequestOptions("GET", _endpoint_path(webhook_id), "Webhook"), call))

    def put(
        self,
        webhook_id: str,
        *,
        url: str,
        events: Sequence[str],
        format: str | None = None,
        secret: str | None = None,
        enabled: bool | None = None,
        **call: Unpack[CallOptions],
    ) -> Webhook:
        """Needs ``admin``. Create or replace an endpoint; without ``secret`` a new one gets a generated
        ``whsec_`` secret, returned once in ``secret``."""
        options = _put_options(
            webhook_id, url=url, events=events, format=format, secret=secret, enabled=enabled
        )
        return cast("Webhook", self._call(options, call))

    def delete(self, webhook_id: str, **call: Unpack[CallOptions]) -> WebhookDeletion:
        """Needs ``admin``."""
        options = RequestOptions("DELETE", _endpoint_path(webhook_id), "WebhookDeletion")
        return cast("WebhookDeletion", self._call(options, call))

    def deliveries(
        self,
        *,
        status: str | None = None,
        webhook_id: str | None = None,
        limit: int | None = None,
        **call: Unpack[CallOptions],
    ) -> WebhookDeliveryList:
        """Needs ``admin``. Newest first: ``pending``, ``delivered`` and ``dead`` deliveries."""
        return cast("WebhookDeliveryList", self._call(_deliveries_options(status, webhook_id, limit), call))

    def retry(self, delivery_id: str, **call: Unpack[CallOptions]) -> WebhookDelivery:
        """Needs ``admin``. Send a dead (or delivered) delivery again, with the same ``webhook-id``."""
        return cast("WebhookDelivery", self._call(_retry_options(delivery_id), call))


class AsyncWebhooks(_AsyncResource):
    """``async_client.webhooks``. ``verify`` does no I/O, so it is a plain method, not a coroutine."""

    def verify(
        self,
        payload: Payload,
        headers: Mapping[str, Any],
        secret: str,
        *,
        tolerance_seconds: int = WEBHOOK_TOLERANCE_SECONDS,
        now: float | None = None,
    ) -> WebhookEvent:
        """See :func:`actpass.webhooks.verify`."""
        return verify(payload, headers, secret, tolerance_seconds=tolerance_seconds, now=now)

    async def list(self, **call: Unpack[CallOptions]) -> WebhookList:
        """Needs ``admin``. Every endpoint; URLs shortened, secrets never returned."""
        return cast("WebhookList", await self._call(RequestOptions("GET", "/webhooks", "WebhookList"), call))

    async def get(self, webhook_id: str, **call: Unpack[CallOptions]) -> Webhook:
        """Needs ``admin``."""
        options = RequestOptions("GET", _endpoint_path(webhook_id), "Webhook")
        return cast("Webhook", await self._call(options, call))

    async def put(
        self,
        webhook_id: str,
        *,
        url: str,
        events: Sequence[str],
        format: str | None = None,
        secret: str | None = None,
        enabled: bool | None = None,
        **call: Unpack[CallOptions],
    ) -> Webhook:
        """Needs ``admin``. See :meth:`Webhooks.put`."""
        options = _put_options(
            webhook_id, url=url, events=events, format=format, secret=secret, enabled=enabled
        )
        return cast("Webhook", await self._call(options, call))

    async def delete(self, webhook_id: str, **call: Unpack[CallOptions]) -> WebhookDeletion:
        """Needs ``admin``."""
        options = RequestOptions("DELETE", _endpoint_path(webhook_id), "WebhookDeletion")
        return cast("WebhookDeletion", await self._call(options, call))

    async def deliveries(
        self,
        *,
        status: str | None = None,
        webhook_id: str | None = None,
        limit: int | None = None,
        **call: Unpack[CallOptions],
    ) -> WebhookDeliveryList:
        """Needs ``admin``. Newest first: ``pending``, ``delivered`` and ``dead`` deliveries."""
        options = _deliveries_options(status, webhook_id, limit)
        return cast("WebhookDeliveryList", await self._call(options, call))

    async def retry(self, delivery_id: str, **call: Unpack[CallOptions]) -> WebhookDelivery:
        """Needs ``admin``. Send a dead (or delivered) delivery again, with the same ``webhook-id``."""
        return cast("WebhookDelivery", await self._call(_retry_options(delivery_id), call))


def _secret_bytes(secret: str) -> bytes:
    key = (
        _base64(secret[len(_SECRET_PREFIX) :])
        if isinstance(secret, str) and secret.startswith(_SECRET_PREFIX)
        else None
    )
    if key is None or len(key) < _MIN_KEY_BYTES:
        raise WebhookVerificationError(
            "invalid_secret",
            f"The secret must be the endpoint's {_SECRET_PREFIX}... value (base64 of at least "
            f"{_MIN_KEY_BYTES} bytes after the prefix).",
        )
    return key


def _header(headers: Mapping[str, Any], name: str) -> str:
    value: Any = None
    for key in headers:
        if isinstance(key, str) and key.lower() == name:
            value = headers[key]
            break
    if isinstance(value, (list, tuple)):
        value = " ".join(str(part) for part in value)
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    if not isinstance(value, str) or not value.strip():
        raise WebhookVerificationError("missing_header", f"The {name} header is missing or empty.")
    return value.strip()


def _base64(text: str) -> bytes | None:
    if not text or len(text) % 4 != 0 or not _BASE64.match(text):
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _event(body: bytes, msg_id: str) -> WebhookEvent:
    try:
        event = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise WebhookVerificationError("invalid_payload", "The signed body is not UTF-8 JSON.") from None
    shaped = (
        isinstance(event, dict)
        and isinstance(event.get("type"), str)
        and isinstance(event.get("tenant_id"), str)
        and isinstance(event.get("created_at"), str)
        and isinstance(event.get("data"), dict)
    )
    if not shaped:
        raise WebhookVerificationError(
            "invalid_payload",
            "The signed body is not an ActPass webhook event (a Slack-format endpoint sends Slack "
            "messages instead).",
        )
    if event.get("id") != msg_id:
        raise WebhookVerificationError("invalid_payload", "The event id differs from the webhook-id header.")
    return cast("WebhookEvent", event)
