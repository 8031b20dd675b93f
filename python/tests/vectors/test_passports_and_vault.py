"""The gateway's passport and vault vectors, reproduced independently in Python.

Issuing passports and sealing secrets is the gateway's job, not the client's, so the package has no
code for either; these tests rebuild the exact bytes from the vectors' inputs with `cryptography` and
the package's canonical JSON. Agreement proves the formats are what the README says (JCS header and
payload, Ed25519; AES-256-GCM with the JCS binding as associated data), not an accident of one runtime.
"""

from __future__ import annotations

import base64
import hashlib
from typing import Any

import pytest
from _load import load_vectors  # pytest puts this folder on sys.path (no __init__.py)
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from actpass._canonical import canonical_bytes, canonicalize

PASSPORTS = dict(load_vectors("passports"))
VAULT = dict(load_vectors("vault"))
KEK_ID_DOMAIN = b"actpass.vault.kek-id/v1\x00"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _signing_cases() -> list[Any]:
    data = PASSPORTS["signing.json"]
    return [pytest.param(data["keys"][c["key"]], c, id=f"signing.json::{c['name']}") for c in data["cases"]]


def test_vectors_exist() -> None:
    assert "signing.json" in PASSPORTS
    assert "envelopes.json" in VAULT


@pytest.mark.parametrize(("key", "case"), _signing_cases())
def test_passport_token_bytes(key: dict[str, Any], case: dict[str, Any]) -> None:
    private = Ed25519PrivateKey.from_private_bytes(bytes.fromhex(key["seed_hex"]))
    header = {"alg": "EdDSA", "kid": key["kid"], "typ": "actpass-passport+jwt"}
    signing_input = f"{b64url(canonical_bytes(header))}.{b64url(canonical_bytes(case['claims']))}"
    token = f"{signing_input}.{b64url(private.sign(signing_input.encode('ascii')))}"
    assert token == case["token"]


@pytest.mark.parametrize(("key", "case"), _signing_cases())
def test_passport_kid_is_the_rfc7638_thumbprint(key: dict[str, Any], case: dict[str, Any]) -> None:
    jwk = key["jwk"]
    members = {"crv": jwk["crv"], "kty": jwk["kty"], "x": jwk["x"]}
    assert b64url(hashlib.sha256(canonical_bytes(members)).digest()) == key["kid"]


def _kek(name: str) -> bytes:
    return base64.b64decode(VAULT["envelopes.json"][name]["base64"])


def test_kek_ids_follow_the_documented_rule() -> None:
    for name in ("kek", "other_kek"):
        digest = hashlib.sha256(KEK_ID_DOMAIN + _kek(name)).hexdigest()
        assert VAULT["envelopes.json"][name]["kek_id"] == f"kek_{digest[:16]}"


@pytest.mark.parametrize(
    "case", [pytest.param(c, id=f"envelopes.json::{c['name']}") for c in VAULT["envelopes.json"]["sealing"]]
)
def test_vault_envelope_bytes(case: dict[str, Any]) -> None:
    aad = canonicalize(case["binding"]).encode("utf-8")
    assert aad.decode("utf-8") == case["associated_data"]
    envelope = case["envelope"]
    data_key = unb64url(case["data_key"])
    wrapped = AESGCM(_kek("kek")).encrypt(unb64url(case["wrap_iv"]), data_key, aad)
    assert b64url(wrapped[:-16]) == envelope["wrapped_key"]
    assert b64url(wrapped[-16:]) == envelope["wrap_tag"]
    sealed = AESGCM(data_key).encrypt(unb64url(case["iv"]), case["plaintext"].encode("utf-8"), aad)
    assert b64url(sealed[:-16]) == envelope["ciphertext"]
    assert b64url(sealed[-16:]) == envelope["tag"]


def _open(kek: bytes, binding: dict[str, Any], envelope: dict[str, Any]) -> bytes:
    aad = canonical_bytes(binding)
    wrapped = unb64url(envelope["wrapped_key"]) + unb64url(envelope["wrap_tag"])
    data_key = AESGCM(kek).decrypt(unb64url(envelope["wrap_iv"]), wrapped, aad)
    sealed = unb64url(envelope["ciphertext"]) + unb64url(envelope["tag"])
    return AESGCM(data_key).decrypt(unb64url(envelope["iv"]), sealed, aad)


@pytest.mark.parametrize(
    "case",
    [pytest.param(c, id=f"envelopes.json::{c['name']}") for c in VAULT["envelopes.json"]["opening_failures"]],
)
def test_vault_envelope_refuses_to_open(case: dict[str, Any]) -> None:
    with pytest.raises(InvalidTag):
        _open(_kek(case["kek"]), case["binding"], case["envelope"])


def test_a_sealed_envelope_opens_with_its_own_binding() -> None:
    case = VAULT["envelopes.json"]["sealing"][0]
    assert _open(_kek("kek"), case["binding"], case["envelope"]).decode("utf-8") == case["plaintext"]
