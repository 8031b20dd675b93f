"""Offline verification of a signed evidence export with nothing but the gateway's JWKS.

Strict by default: only ``EdDSA``/``Ed25519`` signatures, only ``OKP``/``Ed25519`` keys, the key named
by ``signature.kid`` and no other, never a key fetched from anything the export names. The checks and
their order mirror the gateway's ``verifyExport`` (``packages/gateway/src/ledger/export.ts``); the
shared vectors in ``packages/contract/vectors/ledger/`` pin both.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from typing import Any

from typing_extensions import TypedDict

from ._canonical import MAX_SAFE_INTEGER, CanonicalJsonError, canonical_bytes

__all__ = ["ExportVerification", "hash_event", "verify_export"]

EXPORT_FORMAT = "actpass.evidence-export/v1"
GENESIS_HASH = "0" * 64
SIGNATURE_ALGS = ("EdDSA", "Ed25519")
EVENT_KEYS = frozenset({"v", "seq", "id", "tenant_id", "type", "at", "data", "prev_hash", "hash"})
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}\Z")
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*\Z")


class ChainHead(TypedDict):
    seq: int
    hash: str


class ExportVerification(TypedDict):
    """``ok`` only when the shape, the whole chain, the head and the signature all check out.

    ``reason`` is None when ok, else the first failure, in this order: ``malformed_export``; a chain
    break (``malformed_event``, ``wrong_tenant``, ``seq_mismatch``, ``prev_hash_mismatch``,
    ``hash_mismatch``, ``truncated``, ``head_mismatch``) with its ``first_broken_seq``; then
    ``unsupported_alg``, ``unknown_key``, ``bad_signature``. The chain is checked before the signature
    so an edited export says where it was edited, not only that the signature fails.
    """

    ok: bool
    count: int
    head: ChainHead | None
    first_broken_seq: int | None
    reason: str | None
    message: str


def verify_export(export: Any, jwks: Any, *, known_head: ChainHead | None = None) -> ExportVerification:
    """Verify a signed export with nothing but a JWKS (``{"keys": [...]}``).

    ``known_head`` is a head from an earlier export: the chain must still contain it, which also
    detects a later export that silently dropped its tail.
    """
    problem = _export_shape_problem(export)
    if problem:
        return _result(False, 0, None, None, "malformed_export", problem)
    events = export["events"]
    chain = _verify_chain(events, tenant_id=export["tenant_id"], expected_head=known_head)
    if not chain["ok"]:
        return chain
    head = chain["head"]
    assert head is not None
    claimed = export["head"]
    if (claimed["seq"], claimed["hash"]) != (head["seq"], head["hash"]):
        seq = min(claimed["seq"], head["seq"] + 1)
        return _result(False, len(events), None, seq, "head_mismatch", "export head is not its last event")
    signature_problem = _signature_problem(export, jwks)
    if signature_problem:
        reason, message = signature_problem
        return _result(False, len(events), None, None, reason, message)
    message = f"signature and chain verified: {len(events)} events, head seq {head['seq']}"
    return _result(True, len(events), head, None, None, message)


def _verify_chain(
    events: list[Any], *, tenant_id: str | None = None, expected_head: ChainHead | None = None
) -> ExportVerification:
    """Recompute every hash and link; name the first broken seq. No signature involved."""
    head: ChainHead = {"seq": 0, "hash": GENESIS_HASH}
    expected_seen = False

    def broken(seq: int, reason: str, message: str) -> ExportVerification:
        return _result(False, len(events), None, seq, reason, message)

    for event in events:
        seq = head["seq"] + 1
        if not _is_event_shape(event):
            return broken(seq, "malformed_event", "event does not have the v1 shape")
        tenant_id = tenant_id if tenant_id is not None else event["tenant_id"]
        if event["tenant_id"] != tenant_id:
            return broken(seq, "wrong_tenant", "event of another tenant")
        if event["seq"] != seq:
            return broken(seq, "seq_mismatch", f"expected seq {seq}, found {event['seq']}")
        if event["prev_hash"] != head["hash"]:
            return broken(seq, "prev_hash_mismatch", "prev_hash does not match the previous event")
        try:
            actual = hash_event(event)
        except CanonicalJsonError as exc:
            return broken(seq, "malformed_event", f"event has no canonical form ({exc.code})")
        if actual != event["hash"]:
            return broken(seq, "hash_mismatch", "event content does not match its hash")
        head = {"seq": seq, "hash": event["hash"]}
        if expected_head is not None and expected_head["seq"] == seq:
            if expected_head["hash"] != event["hash"]:
                return broken(seq, "head_mismatch", "differs from the signed head")
            expected_seen = True
    if expected_head is not None and expected_head["seq"] > 0 and not expected_seen:
        return broken(
            head["seq"] + 1, "truncated", f"chain ends before the signed head seq {expected_head['seq']}"
        )
    if expected_head is not None and expected_head["seq"] == 0 and expected_head["hash"] != GENESIS_HASH:
        return broken(1, "head_mismatch", "an empty head must carry the genesis hash")
    return _result(True, len(events), head, None, None, f"chain verified: {len(events)} events")


def hash_event(event: dict[str, Any]) -> str:
    """Hex SHA-256 of the canonical JSON of the event without ``hash``."""
    return hashlib.sha256(canonical_bytes({k: v for k, v in event.items() if k != "hash"})).hexdigest()


def _signature_problem(export: dict[str, Any], jwks: Any) -> tuple[str, str] | None:
    signature = export["signature"]
    if signature["alg"] not in SIGNATURE_ALGS:
        return (
            "unsupported_alg",
            f"signature alg must be EdDSA or Ed25519, not {str(signature['alg'])[:32]!r}",
        )
    keys = jwks.get("keys") if isinstance(jwks, dict) else None
    if not isinstance(keys, list):
        return "unknown_key", "the JWKS has no `keys` array"
    matches = [key for key in keys if isinstance(key, dict) and key.get("kid") == signature["kid"]]
    if len(matches) != 1:
        found = "no key" if not matches else "several keys"
        return "unknown_key", f"the JWKS has {found} with kid {signature['kid'][:64]!r}"
    public_bytes = _ed25519_public_bytes(matches[0])
    if public_bytes is None:
        return "unknown_key", "the JWKS key with this kid is not an OKP/Ed25519 signing key with a 32-byte x"
    sig = _b64url_decode(signature["sig"])
    if sig is None or len(sig) != 64:
        return "bad_signature", "signature.sig is not 64 bytes of base64url"
    try:
        message = canonical_bytes({k: v for k, v in export.items() if k != "signature"})
    except CanonicalJsonError as exc:
        return "malformed_export", f"the export has no canonical form ({exc.code} at {exc.path})"
    # Deferred: cryptography is heavy and only this offline check needs it.
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    try:
        Ed25519PublicKey.from_public_bytes(public_bytes).verify(sig, message)
    except InvalidSignature:
        return "bad_signature", "the signature does not match the export"
    return None


def _ed25519_public_bytes(jwk: dict[str, Any]) -> bytes | None:
    if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
        return None
    if jwk.get("alg", "EdDSA") not in SIGNATURE_ALGS or jwk.get("use", "sig") != "sig":
        return None
    x = _b64url_decode(jwk.get("x"))
    return x if x is not None and len(x) == 32 else None


def _b64url_decode(text: Any) -> bytes | None:
    if not isinstance(text, str) or not _BASE64URL.match(text) or len(text) % 4 == 1:
        return None
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        return None


def _export_shape_problem(export: Any) -> str | None:
    if not isinstance(export, dict):
        return "the export is not a JSON object"
    if export.get("format") != EXPORT_FORMAT:
        return f"format must be {EXPORT_FORMAT!r}"
    if not isinstance(export.get("tenant_id"), str):
        return "tenant_id must be a string"
    if not isinstance(export.get("events"), list):
        return "events must be an array"
    head = export.get("head")
    if not (isinstance(head, dict) and _is_safe_int(head.get("seq")) and isinstance(head.get("hash"), str)):
        return "head must be {seq, hash}"
    if not isinstance(export.get("exported_at"), str):
        return "exported_at must be a string"
    signature = export.get("signature")
    if not (
        isinstance(signature, dict) and all(isinstance(signature.get(k), str) for k in ("alg", "kid", "sig"))
    ):
        return "signature must be {alg, kid, sig} strings"
    return None


def _is_event_shape(event: Any) -> bool:
    return (
        isinstance(event, dict)
        and set(event) == EVENT_KEYS
        and event["v"] == 1
        and not isinstance(event["v"], bool)
        and _is_safe_int(event["seq"])
        and all(isinstance(event[k], str) for k in ("id", "tenant_id", "type", "at", "prev_hash", "hash"))
        and isinstance(event["data"], dict)
        and bool(_HEX_SHA256.match(event["hash"]))
    )


def _is_safe_int(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return float(value).is_integer() and abs(value) <= MAX_SAFE_INTEGER


def _result(
    ok: bool,
    count: int,
    head: ChainHead | None,
    first_broken_seq: int | None,
    reason: str | None,
    message: str,
) -> ExportVerification:
    return {
        "ok": ok,
        "count": count,
        "head": dict(head) if head is not None else None,  # type: ignore[typeddict-item]
        "first_broken_seq": first_broken_seq,
        "reason": reason,
        "message": message,
    }
