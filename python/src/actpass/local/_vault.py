"""The credential vault with ``delivery: sdk``: secrets sealed with AES-256-GCM, leased on ``allow``.

Each secret version gets a fresh data key wrapped by the vault's key-encryption key; the associated
data binds tenant, name and version (the gateway's envelope format). The plaintext is never stored,
logged, returned by the credential endpoints or written to the ledger: it leaves only as a lease on an
``allow`` for a bound tool. A ``delivery: proxy`` credential is never leased here (there is no proxy).
"""

from __future__ import annotations

import hashlib
import os
import threading
from typing import Any, Final

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from .._canonical import canonical_bytes
from ._globs import tool_glob_match
from ._ids import b64url, b64url_decode, iso_ms

KEK_ID_DOMAIN: Final = b"actpass.vault.kek-id/v1\x00"
LEASE_TTL_DEFAULT: Final = 60


class Vault:
    def __init__(self, kek: bytes | None = None) -> None:
        self._kek = kek if kek is not None else os.urandom(32)
        if len(self._kek) != 32:
            raise ValueError("vault key must be 32 bytes")
        self._kek_id = "kek_" + hashlib.sha256(KEK_ID_DOMAIN + self._kek).hexdigest()[:16]
        self._records: dict[str, dict[str, dict[str, Any]]] = {}
        self._lock = threading.Lock()

    def put(
        self,
        tenant_id: str,
        name: str,
        value: str,
        bound_tools: list[str],
        ttl: int,
        delivery: str,
        now_ms: int,
    ) -> dict[str, Any]:
        with self._lock:
            previous = self._records.get(tenant_id, {}).get(name)
            version = previous["version"] + 1 if previous else 1
            binding = {"tenant_id": tenant_id, "name": name, "version": version}
            record = {
                "name": name,
                "bound_tools": list(bound_tools),
                "delivery": delivery,
                "version": version,
                "lease_ttl_seconds": ttl,
                "created_at": previous["created_at"] if previous else iso_ms(now_ms),
                "updated_at": iso_ms(now_ms),
                "envelope": self._seal(binding, value.encode("utf-8")),
            }
            self._records.setdefault(tenant_id, {})[name] = record
            return metadata(record)

    def delete(self, tenant_id: str, name: str) -> bool:
        with self._lock:
            return self._records.get(tenant_id, {}).pop(name, None) is not None

    def list(self, tenant_id: str) -> list[dict[str, Any]]:
        records = sorted(
            self._records.get(tenant_id, {}).values(), key=lambda r: r["name"].encode("utf-16-be")
        )
        return [metadata(r) for r in records]

    def lease_for_tool(self, tenant_id: str, tool: str, now_ms: int) -> dict[str, Any] | None:
        records = sorted(
            self._records.get(tenant_id, {}).values(), key=lambda r: r["name"].encode("utf-16-be")
        )
        record = next((r for r in records if tool in r["bound_tools"]), None) or next(
            (r for r in records if any(tool_glob_match(p, tool) for p in r["bound_tools"])), None
        )
        if record is None or record["delivery"] == "proxy":
            return None
        binding = {"tenant_id": tenant_id, "name": record["name"], "version": record["version"]}
        value = self._open(binding, record["envelope"]).decode("utf-8")
        return {
            "name": record["name"],
            "value": value,
            "expires_at": iso_ms(now_ms + record["lease_ttl_seconds"] * 1000),
        }

    def _seal(self, binding: dict[str, Any], plaintext: bytes) -> dict[str, Any]:
        aad = canonical_bytes(binding)
        data_key, wrap_iv, iv = os.urandom(32), os.urandom(12), os.urandom(12)
        wrapped = AESGCM(self._kek).encrypt(wrap_iv, data_key, aad)
        sealed = AESGCM(data_key).encrypt(iv, plaintext, aad)
        return {
            "v": 1,
            "alg": "A256GCM",
            "kek_id": self._kek_id,
            "version": binding["version"],
            "wrapped_key": b64url(wrapped[:-16]),
            "wrap_iv": b64url(wrap_iv),
            "wrap_tag": b64url(wrapped[-16:]),
            "ciphertext": b64url(sealed[:-16]),
            "iv": b64url(iv),
            "tag": b64url(sealed[-16:]),
        }

    def _open(self, binding: dict[str, Any], envelope: dict[str, Any]) -> bytes:
        aad = canonical_bytes(binding)
        field = {
            k: b64url_decode(envelope[k]) or b""
            for k in ("wrapped_key", "wrap_iv", "wrap_tag", "ciphertext", "iv", "tag")
        }
        data_key = AESGCM(self._kek).decrypt(field["wrap_iv"], field["wrapped_key"] + field["wrap_tag"], aad)
        return AESGCM(data_key).decrypt(field["iv"], field["ciphertext"] + field["tag"], aad)


def metadata(record: dict[str, Any]) -> dict[str, Any]:
    return {k: (list(v) if isinstance(v, list) else v) for k, v in record.items() if k != "envelope"}
