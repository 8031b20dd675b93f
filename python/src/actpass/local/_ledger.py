"""The hash-chained evidence ledger, in memory and optionally mirrored to an append-only file.

An event is ``{v: 1, seq, id, tenant_id, type, at, data, prev_hash, hash}``; ``hash`` is the hex SHA-256
of the canonical JSON of the event without ``hash``, and the first event links to 64 zeros: the same
bytes the TypeScript gateway writes for the same inputs. Every event records its writer in
``data.written_by`` (the key's id and sorted roles; the gateway's own events ``{key_id: null,
roles: ["gateway"]}``). Stored events are private deep copies re-read from the hashed canonical text.
"""

from __future__ import annotations

import json
import os
import re
import threading
from pathlib import Path
from typing import Any, Callable, Final

from .._canonical import canonicalize
from .._verify_export import _verify_chain
from ._ids import b64url, iso_ms, random_id, sha256_hex

GENESIS_HASH: Final = "0" * 64
EVENT_TYPE: Final = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)*\Z")
EVENT_TYPE_MAX_CHARS: Final = 64
EXPORT_FORMAT: Final = "actpass.evidence-export/v1"
GATEWAY_WRITER: Final = {"key_id": None, "roles": ["gateway"]}
_CREDENTIAL_FORBIDDEN: Final = ("value", "secret", "plaintext")


class LedgerInputError(ValueError):
    pass


class Ledger:
    """Each tenant's append-only chain. ``path``: also append every event as a JSON line to that file."""

    def __init__(
        self,
        clock_ms: Callable[[], int],
        *,
        path: str | os.PathLike[str] | None = None,
        ids: Callable[[], str] | None = None,
    ) -> None:
        self._clock_ms = clock_ms
        self._chains: dict[str, list[dict[str, Any]]] = {}
        # Each tenant's events by id: outcome records name the decision they follow.
        self._by_id: dict[tuple[str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._ids = ids or (lambda: random_id("ev_"))
        self._path = Path(path) if path is not None else None
        if self._path is not None and self._path.exists():
            self._load(self._path)

    def _load(self, path: Path) -> None:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip():
                continue
            try:
                event = json.loads(line)
            except ValueError as exc:
                raise LedgerInputError(
                    f"{path}:{number}: not a JSON event ({exc}); restore the file"
                ) from exc
            self._chains.setdefault(event["tenant_id"], []).append(event)
            self._by_id[(event["tenant_id"], event["id"])] = event
        for tenant_id, events in self._chains.items():
            result = _verify_chain(events, tenant_id=tenant_id)
            if not result["ok"]:
                raise LedgerInputError(
                    f"{path}: the chain of tenant {tenant_id!r} is broken "
                    f"at seq {result['first_broken_seq']} "
                    f"({result['reason']}); the file was edited or damaged"
                )

    def append(
        self,
        tenant_id: str,
        event_type: str,
        data: dict[str, Any],
        writer: dict[str, Any],
        at: str | None = None,
    ) -> dict[str, Any]:
        check_append(event_type, data)
        stamped = {**data, "written_by": {"key_id": writer["key_id"], "roles": sorted(writer["roles"])}}
        with self._lock:
            chain = self._chains.setdefault(tenant_id, [])
            head = chain[-1] if chain else None
            unsealed = {
                "v": 1,
                "seq": head["seq"] + 1 if head else 1,
                "id": self._ids(),
                "tenant_id": tenant_id,
                "type": event_type,
                "at": at if at is not None else iso_ms(self._clock_ms()),
                "data": stamped,
                "prev_hash": head["hash"] if head else GENESIS_HASH,
            }
            text = canonicalize(unsealed)
            event: dict[str, Any] = json.loads(text)
            event["hash"] = sha256_hex(text)
            if self._path is not None:
                with self._path.open("a", encoding="utf-8") as file:
                    file.write(json.dumps(event, ensure_ascii=False, separators=(",", ":")) + "\n")
                    file.flush()
                    os.fsync(file.fileno())
            chain.append(event)
            self._by_id[(tenant_id, event["id"])] = event
        return event

    def find(self, tenant_id: str, event_id: str) -> dict[str, Any] | None:
        return self._by_id.get((tenant_id, event_id))

    def events(self, tenant_id: str) -> list[dict[str, Any]]:
        return list(self._chains.get(tenant_id, []))

    def head(self, tenant_id: str) -> dict[str, Any]:
        chain = self._chains.get(tenant_id)
        return (
            {"seq": chain[-1]["seq"], "hash": chain[-1]["hash"]}
            if chain
            else {"seq": 0, "hash": GENESIS_HASH}
        )

    def verify(self, tenant_id: str) -> dict[str, Any]:
        return dict(_verify_chain(self.events(tenant_id), tenant_id=tenant_id))


def check_append(event_type: str, data: object) -> None:
    if (
        not isinstance(event_type, str)
        or len(event_type) > EVENT_TYPE_MAX_CHARS
        or not EVENT_TYPE.match(event_type)
    ):
        raise LedgerInputError('event type must be lower-case dotted words, e.g. "approval.requested"')
    if not isinstance(data, dict):
        raise LedgerInputError("event data must be a JSON object")
    if event_type.startswith("credential."):
        for key in _CREDENTIAL_FORBIDDEN:
            if key in data:
                raise LedgerInputError(
                    f'credential events must not carry "{key}": secrets never enter the ledger'
                )
    credential = data.get("credential")
    if isinstance(credential, dict) and "value" in credential:
        raise LedgerInputError("event data must not carry credential.value: secrets never enter the ledger")


def signed_export(
    events: list[dict[str, Any]], tenant_id: str, sign: Callable[[bytes], tuple[str, bytes]], now_ms: int
) -> dict[str, Any]:
    """The tenant's chain, its head, and an Ed25519 signature over the canonical rest (never a broken one)."""
    chain = _verify_chain(events, tenant_id=tenant_id)
    if not chain["ok"]:
        raise LedgerInputError(
            f"the chain is broken at seq {chain['first_broken_seq']}; it will not be signed"
        )
    head = chain["head"] or {"seq": 0, "hash": GENESIS_HASH}
    unsigned = {
        "format": EXPORT_FORMAT,
        "tenant_id": tenant_id,
        "events": events,
        "head": {"seq": head["seq"], "hash": head["hash"]},
        "exported_at": iso_ms(now_ms),
    }
    kid, signature = sign(canonicalize(unsigned).encode("utf-8"))
    return {**unsigned, "signature": {"alg": "EdDSA", "kid": kid, "sig": b64url(signature)}}
