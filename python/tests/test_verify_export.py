"""Offline export verification with exports signed here, tampered every way, and the CLI."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

import actpass
from actpass.__main__ import main
from actpass._canonical import canonical_bytes
from actpass._verify_export import hash_event

KEY = Ed25519PrivateKey.from_private_bytes(bytes(range(32)))
KID = "test-kid"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


JWKS = {
    "keys": [
        {
            "kty": "OKP",
            "crv": "Ed25519",
            "kid": KID,
            "alg": "EdDSA",
            "use": "sig",
            "x": _b64(KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)),
        }
    ]
}


def _chain(count: int, tenant: str = "acme") -> list[dict[str, Any]]:
    events, prev = [], "0" * 64
    for seq in range(1, count + 1):
        event = {"v": 1, "seq": seq, "id": f"ev_{seq}", "tenant_id": tenant, "type": "decision",
                 "at": f"2026-11-23T18:00:{seq:02d}.000Z", "data": {"n": seq}, "prev_hash": prev}  # fmt: skip
        event["hash"] = prev = hash_event(event)
        events.append(event)
    return events


def sign(export: dict[str, Any], key: Ed25519PrivateKey = KEY, kid: str = KID) -> dict[str, Any]:
    unsigned = {k: v for k, v in export.items() if k != "signature"}
    return {
        **unsigned,
        "signature": {"alg": "EdDSA", "kid": kid, "sig": _b64(key.sign(canonical_bytes(unsigned)))},
    }


def make_export(count: int = 5) -> dict[str, Any]:
    events = _chain(count)
    head = {"seq": count, "hash": events[-1]["hash"] if events else "0" * 64}
    return sign({"format": "actpass.evidence-export/v1", "tenant_id": "acme", "events": events, "head": head,
                 "exported_at": "2026-11-23T18:10:00.000Z"})  # fmt: skip


def test_intact_export_verifies() -> None:
    export = make_export()
    result = actpass.verify_export(export, JWKS)
    assert result["ok"] is True and result["reason"] is None and result["first_broken_seq"] is None
    assert result["head"] == export["head"] and result["count"] == 5


def _edit_data(e: dict[str, Any]) -> None:
    e["events"][2]["data"]["n"] = 99


def _edit_and_rehash(e: dict[str, Any]) -> None:
    e["events"][2]["data"]["n"] = 99
    e["events"][2]["hash"] = hash_event(e["events"][2])


def _swap(e: dict[str, Any]) -> None:
    e["events"][1], e["events"][2] = e["events"][2], e["events"][1]


def _drop_second(e: dict[str, Any]) -> None:
    del e["events"][1]


def _insert_copy(e: dict[str, Any]) -> None:
    e["events"].insert(2, copy.deepcopy(e["events"][1]))


def _foreign_tenant(e: dict[str, Any]) -> None:
    e["events"][3]["tenant_id"] = "globex"


@pytest.mark.parametrize(
    ("tamper", "seq", "reason"),
    [
        (_edit_data, 3, "hash_mismatch"),
        (_edit_and_rehash, 4, "prev_hash_mismatch"),
        (_swap, 2, "seq_mismatch"),
        (_drop_second, 2, "seq_mismatch"),
        (_insert_copy, 3, "seq_mismatch"),
        (_foreign_tenant, 4, "wrong_tenant"),
    ],
)
def test_tampered_copy_names_the_first_broken_seq(tamper: Any, seq: int, reason: str) -> None:
    export = make_export()
    tamper(export)
    result = actpass.verify_export(export, JWKS)
    assert (result["ok"], result["first_broken_seq"], result["reason"]) == (False, seq, reason)
    resigned = actpass.verify_export(sign(export), JWKS)  # re-signing does not hide it
    assert (resigned["ok"], resigned["first_broken_seq"], resigned["reason"]) == (False, seq, reason)


def test_truncation_is_caught_against_a_known_head() -> None:
    export = make_export(5)
    known = export["head"]
    shorter = make_export(3)
    assert actpass.verify_export(shorter, JWKS)["ok"] is True
    result = actpass.verify_export(shorter, JWKS, known_head=known)
    assert (result["ok"], result["reason"], result["first_broken_seq"]) == (False, "truncated", 4)


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda e: e.update(exported_at="2027-01-01T00:00:00.000Z"), "bad_signature"),
        (lambda e: e["signature"].update(sig=e["signature"]["sig"][::-1]), "bad_signature"),
        (lambda e: e["signature"].update(sig="not base64!"), "bad_signature"),
        (lambda e: e["signature"].update(alg="HS256"), "unsupported_alg"),
        (lambda e: e["signature"].update(alg="none"), "unsupported_alg"),
        (lambda e: e["signature"].update(kid="other"), "unknown_key"),
        (lambda e: e.update(format="actpass.evidence-export/v2"), "malformed_export"),
        (lambda e: e.pop("signature"), "malformed_export"),
        (lambda e: e.update(head={"seq": 4, "hash": e["events"][3]["hash"]}), "head_mismatch"),
    ],
)
def test_signature_and_shape_failures(mutate: Any, reason: str) -> None:
    export = make_export()
    mutate(export)
    result = actpass.verify_export(export, JWKS)
    assert (result["ok"], result["reason"]) == (False, reason)


def test_a_valid_signature_by_a_key_not_in_the_jwks_fails() -> None:
    other = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(b"other").digest())
    export = sign(make_export(), key=other)  # same kid, wrong key
    assert actpass.verify_export(export, JWKS)["reason"] == "bad_signature"


@pytest.mark.parametrize(
    "jwk_change",
    [{"kty": "EC"}, {"crv": "X25519"}, {"alg": "RS256"}, {"use": "enc"}, {"x": "short"}],
)
def test_keys_must_be_ed25519_signing_keys(jwk_change: dict[str, str]) -> None:
    jwks = {"keys": [{**JWKS["keys"][0], **jwk_change}]}
    assert actpass.verify_export(make_export(), jwks)["reason"] == "unknown_key"


def test_verify_export_does_not_load_cryptography_on_import() -> None:
    code = "import sys, actpass; print('cryptography' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- CLI ------------------------------------------------------------------------------------------


def _args(tmp_path: Path, export: dict[str, Any]) -> list[str]:
    return ["verify-export", _write(tmp_path, "e.json", export), "--jwks", _write(tmp_path, "k.json", JWKS)]


def _write(tmp_path: Path, name: str, value: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(value), encoding="utf-8")
    return str(path)


def test_cli_verified(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "verify-export",
            _write(tmp_path, "e.json", make_export()),
            "--jwks",
            _write(tmp_path, "k.json", JWKS),
        ]
    )
    assert code == 0
    assert capsys.readouterr().out.startswith("VERIFIED: signature valid, 5 events, head seq 5")


def test_cli_tampered(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    export = make_export()
    _edit_data(export)
    code = main(
        ["verify-export", _write(tmp_path, "e.json", export), "--jwks", _write(tmp_path, "k.json", JWKS)]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "NOT VERIFIED: hash_mismatch" in out and "first broken seq: 3" in out


def test_cli_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "verify-export",
        _write(tmp_path, "e.json", make_export()),
        "--jwks",
        _write(tmp_path, "k.json", JWKS),
    ]
    assert main([*args, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["ok"] is True


def test_cli_missing_file_names_it_and_the_fix(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = str(tmp_path / "nope.json")
    assert main(["verify-export", missing, "--jwks", _write(tmp_path, "k.json", JWKS)]) == 2
    err = capsys.readouterr().err
    assert "nope.json" in err and "GET /api/v1/evidence/export" in err


def test_cli_bad_json_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "k.json"
    bad.write_text("{not json", encoding="utf-8")
    assert main(["verify-export", _write(tmp_path, "e.json", make_export()), "--jwks", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "--jwks file" in err and "k.json" in err and "not valid JSON" in err


def test_cli_usage_error_exits_2(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "actpass", "verify-export", "only-one-arg"], capture_output=True, text=True
    )
    assert result.returncode == 2 and "--jwks" in result.stderr
