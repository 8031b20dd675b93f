"""Action passports: a keyset, issuance and verification, as the gateway does them.

A passport is a compact JWS signed with Ed25519 (``cryptography``); header and payload are canonical
JSON, so the token bytes are the TypeScript gateway's for the same key, claims and time. Verification
names the first failure, in this order: structure and header (``passport.malformed``), key
(``unknown_key``), signature (``bad_signature``), issuer, audience, tenant, ``nbf``/``exp`` with leeway,
revocation, replay, tool, resource, constraints, then the bound action hash. Verifying never consumes a
passport; a preflight claims its ``jti`` separately, once.
"""

from __future__ import annotations

import hashlib
import re
import threading
from typing import Any, Callable, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from .._canonical import CanonicalJsonError, canonical_bytes, parse_json_strict
from ._globs import resource_glob_match, tool_glob_match, tool_glob_problem
from ._ids import b64url, b64url_decode, random_id
from ._json import MISSING, is_finite_number, is_number, json_equals, own_value, utf16_key
from ._policy_check import RISK_TIERS

TYP: Final = "actpass-passport+jwt"
ACCEPTED_ALGS: Final = ("EdDSA", "Ed25519")
HEADER_MEMBERS: Final = ("alg", "kid", "typ")
TTL_DEFAULT, TTL_MIN, TTL_MAX = 300, 1, 3600
LEEWAY_DEFAULT, LEEWAY_MAX = 5, 30
MAX_TOKEN_CHARS, MAX_KID_CHARS = 8192, 128
_CLAIMS: Final = frozenset(
    [
        "iss",
        "aud",
        "tenant_id",
        "agent_id",
        "user_id",
        "goal",
        "allowed_tools",
        "allowed_resources",
        "resource_constraints",
        "risk_tier",
        "approval_hash",
        "action_hash",
        "iat",
        "nbf",
        "exp",
        "jti",
    ]
)
_HEX_SHA256 = re.compile(r"[0-9a-f]{64}\Z")
_JTI = re.compile(r"ap_[A-Za-z0-9_-]{1,128}\Z")
_BOUNDED = re.compile(r"(max|min)_(.+)\Z", re.DOTALL)
_BOUND_KEY = re.compile(r"(max|min)_.", re.DOTALL)


class Keyset:
    """Ed25519 signing keys by ``kid`` (the RFC 7638 thumbprint); the newest signs, all verify."""

    def __init__(self, private_keys: list[Ed25519PrivateKey] | None = None) -> None:
        self._keys: dict[str, Ed25519PrivateKey] = {}
        self._primary = ""
        for key in private_keys or [Ed25519PrivateKey.generate()]:
            self.add(key)

    @classmethod
    def from_seed(cls, seed: bytes) -> Keyset:
        return cls([Ed25519PrivateKey.from_private_bytes(seed)])

    def add(self, key: Ed25519PrivateKey) -> str:
        kid = thumbprint(_public_x(key.public_key()))
        self._keys[kid] = key
        self._primary = kid
        return kid

    @property
    def primary_kid(self) -> str:
        return self._primary

    def sign(self, data: bytes) -> tuple[str, bytes]:
        return self._primary, self._keys[self._primary].sign(data)

    def public_key(self, kid: str) -> Ed25519PublicKey | None:
        key = self._keys.get(kid)
        return key.public_key() if key is not None else None

    def jwks(self) -> dict[str, Any]:
        return {
            "keys": [
                {
                    "kty": "OKP",
                    "crv": "Ed25519",
                    "x": _public_x(k.public_key()),
                    "kid": kid,
                    "alg": "EdDSA",
                    "use": "sig",
                }
                for kid, k in self._keys.items()
            ]
        }


def _public_x(key: Ed25519PublicKey) -> str:
    return b64url(key.public_bytes(Encoding.Raw, PublicFormat.Raw))


def jwks_resolver(jwks: dict[str, Any]) -> Callable[[str], Ed25519PublicKey | None]:
    """Keys from a published JWKS: Ed25519 signing keys whose ``kid`` is their thumbprint, nothing else."""
    by_kid: dict[str, Ed25519PublicKey] = {}
    for jwk in jwks.get("keys") or []:
        if not isinstance(jwk, dict) or not isinstance(jwk.get("kid"), str):
            continue
        if jwk.get("use", "sig") != "sig" or jwk.get("alg", "EdDSA") not in ACCEPTED_ALGS:
            continue
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519" or not isinstance(jwk.get("x"), str):
            continue
        raw = b64url_decode(jwk["x"])
        if raw is None or len(raw) != 32 or thumbprint(jwk["x"]) != jwk["kid"]:
            continue
        by_kid[jwk["kid"]] = Ed25519PublicKey.from_public_bytes(raw)
    return by_kid.get


def thumbprint(x: str) -> str:
    return b64url(hashlib.sha256(('{"crv":"Ed25519","kty":"OKP","x":"' + x + '"}').encode("ascii")).digest())


def clamp_ttl(ttl: object) -> int:
    if not is_finite_number(ttl):
        return TTL_DEFAULT
    return int(min(TTL_MAX, max(TTL_MIN, int(ttl // 1))))  # type: ignore[operator]


def issue(keyset: Keyset, request: dict[str, Any], now_s: int) -> tuple[str, dict[str, Any]]:
    """Sign a passport; raises ``ValueError`` naming the claim when the input cannot make a valid one."""
    claims: dict[str, Any] = {
        "iss": request["issuer"],
        "aud": request["audience"],
        "tenant_id": request["tenant_id"],
        "agent_id": request.get("agent_id"),
        "user_id": request.get("user_id"),
        "goal": request["goal"],
        "allowed_tools": list(request["allowed_tools"]),
        "allowed_resources": list(request["allowed_resources"])
        if request.get("allowed_resources") is not None
        else ["*"],
        "resource_constraints": dict(request.get("resource_constraints") or {}),
        "risk_tier": request.get("risk_tier") or "medium",
        "approval_hash": request.get("approval_hash"),
    }
    if request.get("action_hash") is not None:
        claims["action_hash"] = request["action_hash"]
    claims.update(
        iat=now_s,
        nbf=now_s,
        exp=now_s + clamp_ttl(request.get("ttl_seconds")),
        jti=request.get("jti") or random_id("ap_"),
    )
    problem = claims_problem(claims)
    if problem is None:
        for i, pattern in enumerate(claims["allowed_tools"]):
            glob_problem = tool_glob_problem(pattern)
            if glob_problem:
                problem = f"allowed_tools[{i}]: {glob_problem}"
                break
    if problem:
        raise ValueError(f"cannot issue passport: {problem}")
    header = {"alg": "EdDSA", "kid": keyset.primary_kid, "typ": TYP}
    signing_input = f"{b64url(canonical_bytes(header))}.{b64url(canonical_bytes(claims))}"
    _kid, signature = keyset.sign(signing_input.encode("ascii"))
    token = f"{signing_input}.{b64url(signature)}"
    # Verifiers refuse longer tokens unread, so a passport past the limit could never be used.
    if len(token) > MAX_TOKEN_CHARS:
        raise ValueError(
            f"cannot issue passport: the signed passport would be {len(token)} characters, over the "
            f"{MAX_TOKEN_CHARS} a verifier reads; list fewer or shorter allowed_tools, allowed_resources "
            "or resource_constraints"
        )
    return token, claims


def claims_problem(payload: dict[str, Any]) -> str | None:
    for name in payload:
        if name not in _CLAIMS:
            return f'unknown claim "{name}"'
    for name in ("iss", "aud", "tenant_id", "goal"):
        if not _non_empty(payload.get(name)):
            return f"{name} must be a non-empty string"
    for name in ("agent_id", "user_id"):
        if payload.get(name, MISSING) is not None and not _non_empty(payload.get(name)):
            return f"{name} must be a string or null"
    for name in ("allowed_tools", "allowed_resources"):
        listed = payload.get(name)
        if not isinstance(listed, list) or not all(_non_empty(v) for v in listed):
            return f"{name} must be an array of strings"
    constraints = payload.get("resource_constraints")
    if not isinstance(constraints, dict):
        return "resource_constraints must be an object"
    for key, bound in constraints.items():
        if _BOUND_KEY.match(key) and not is_finite_number(bound):
            return f"resource_constraints.{key} must be a number"
    if not (isinstance(payload.get("risk_tier"), str) and payload["risk_tier"] in RISK_TIERS):
        return "risk_tier must be low|medium|high|critical"
    if payload.get("approval_hash", MISSING) is not None and not _hex(payload.get("approval_hash")):
        return "approval_hash must be a hex SHA-256 or null"
    if "action_hash" in payload and not _hex(payload["action_hash"]):
        return "action_hash must be a hex SHA-256"
    iat, nbf, exp = payload.get("iat"), payload.get("nbf"), payload.get("exp")
    from ._json import is_safe_integer

    if not (is_safe_integer(iat) and is_safe_integer(nbf) and is_safe_integer(exp)):
        return "iat, nbf and exp must be integer seconds"
    if not (iat <= nbf < exp):  # type: ignore[operator]
        return "times must satisfy iat <= nbf < exp"
    if exp - iat > TTL_MAX:  # type: ignore[operator]
        return f"lifetime exceeds {TTL_MAX} s"
    if not isinstance(payload.get("jti"), str) or not _JTI.match(payload["jti"]):
        return "jti must look like ap_…"
    return None


def _non_empty(value: object) -> bool:
    return isinstance(value, str) and len(value) > 0


def _hex(value: object) -> bool:
    return isinstance(value, str) and _HEX_SHA256.match(value) is not None


def parse_token(token: object) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes] | str:
    """(header, payload, signing input, signature), or why the token is malformed."""
    if not isinstance(token, str) or not token:
        return "token must be a non-empty string"
    if len(token) > MAX_TOKEN_CHARS:
        return f"token exceeds {MAX_TOKEN_CHARS} characters"
    segments = token.split(".")
    if len(segments) != 3:
        return "token must have exactly three segments"
    decoded = [b64url_decode(s) for s in segments]
    if any(part is None for part in decoded):
        return "segments must be canonical base64url"
    header_bytes, payload_bytes, signature = decoded
    header = _json_object(header_bytes)  # type: ignore[arg-type]
    if header is None:
        return "header is not a JSON object"
    for member in header:
        if member not in HEADER_MEMBERS:
            return f'header member "{member}" is not allowed'
    if not isinstance(header.get("alg"), str) or header["alg"] not in ACCEPTED_ALGS:
        return "header alg must be EdDSA or Ed25519"
    if header.get("typ") != TYP:
        return f"header typ must be {TYP}"
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid or len(kid) > MAX_KID_CHARS:
        return "header kid must be a non-empty string"
    payload = _json_object(payload_bytes)  # type: ignore[arg-type]
    if payload is None:
        return "payload is not a JSON object"
    if len(signature) != 64:  # type: ignore[arg-type]
        return "signature must be 64 bytes"
    return header, payload, f"{segments[0]}.{segments[1]}".encode("ascii"), signature  # type: ignore[return-value]


def _json_object(data: bytes) -> dict[str, Any] | None:
    try:
        value = parse_json_strict(data.decode("utf-8"))
    except (UnicodeDecodeError, CanonicalJsonError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def peek_jti(token: str) -> str | None:
    parsed = parse_token(token)
    if isinstance(parsed, str):
        return None
    jti = parsed[1].get("jti")
    return jti if isinstance(jti, str) else None


def peek_audience(token: str) -> str:
    parsed = parse_token(token)
    aud = None if isinstance(parsed, str) else parsed[1].get("aud")
    return aud if isinstance(aud, str) else ""


class JtiStore:
    """Claimed (used) and revoked passport ids per tenant. A claim is an atomic insert-if-absent."""

    def __init__(self) -> None:
        self._claimed: set[tuple[str, str]] = set()
        self._revoked: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def claim(self, tenant_id: str, jti: str) -> bool:
        with self._lock:
            if (tenant_id, jti) in self._claimed:
                return False
            self._claimed.add((tenant_id, jti))
            return True

    def release(self, tenant_id: str, jti: str) -> None:
        with self._lock:
            self._claimed.discard((tenant_id, jti))

    def is_claimed(self, tenant_id: str, jti: str) -> bool:
        return (tenant_id, jti) in self._claimed

    def revoke(self, tenant_id: str, jti: str, reason: str) -> None:
        with self._lock:
            self._revoked[(tenant_id, jti)] = reason

    def is_revoked(self, tenant_id: str, jti: str) -> bool:
        return (tenant_id, jti) in self._revoked


Failure = tuple[str, str, "dict[str, Any] | None"]


def verify(
    token: object,
    *,
    key_for: Callable[[str], Ed25519PublicKey | None],
    store: JtiStore,
    now_s: int,
    issuer: str,
    audience: str,
    tenant_id: str,
    leeway_s: int = LEEWAY_DEFAULT,
    action: dict[str, Any] | None = None,
) -> dict[str, Any] | Failure:
    """The verified claims, or ``(reason_code, message, claims-if-signature-verified)``."""
    parsed = parse_token(token)
    if isinstance(parsed, str):
        return ("passport.malformed", parsed, None)
    header, payload, signing_input, signature = parsed
    shape = claims_problem(payload)
    if shape:
        return ("passport.malformed", shape, None)
    key = key_for(header["kid"])
    if key is None:
        return ("passport.unknown_key", "passport is signed by an unknown key", None)
    try:
        key.verify(signature, signing_input)
    except InvalidSignature:
        return ("passport.bad_signature", "passport signature does not verify", None)
    claims = payload
    problem = _check(claims, store, now_s, issuer, audience, tenant_id, leeway_s, action)
    return (problem[0], problem[1], claims) if problem else claims


def _check(
    claims: dict[str, Any],
    store: JtiStore,
    now: int,
    issuer: str,
    audience: str,
    tenant_id: str,
    leeway: int,
    action: dict[str, Any] | None,
) -> tuple[str, str] | None:
    if claims["iss"] != issuer:
        return ("passport.wrong_issuer", "passport was issued by someone else")
    if claims["aud"] != audience:
        return ("passport.wrong_audience", "passport is for another audience")
    if claims["tenant_id"] != tenant_id:
        return ("passport.tenant_mismatch", "passport belongs to another tenant")
    if now + leeway < claims["nbf"]:
        return ("passport.not_yet_valid", "passport is not valid yet")
    if now - leeway >= claims["exp"]:
        return ("passport.expired", "passport has expired")
    if store.is_revoked(claims["tenant_id"], claims["jti"]):
        return ("passport.revoked", "passport was revoked")
    if store.is_claimed(claims["tenant_id"], claims["jti"]):
        return ("passport.replayed", "passport was already used")
    if action is None:
        return None
    if not any(tool_glob_match(p, action["tool"]) for p in claims["allowed_tools"]):
        return ("passport.tool_not_allowed", f'tool "{action["tool"]}" is not allowed by this passport')
    resource = action.get("resource") or ""
    if not any(resource_glob_match(p, resource) for p in claims["allowed_resources"]):
        return ("passport.resource_not_allowed", "resource is not allowed by this passport")
    violated = violated_constraint(claims["resource_constraints"], action.get("args") or {})
    if violated is not None:
        return ("passport.constraint_violated", f'args violate resource constraint "{violated}"')
    if "action_hash" in claims and claims["action_hash"] != action.get("action_hash"):
        return ("passport.constraint_violated", "passport is bound to a different action")
    return None


def violated_constraint(constraints: dict[str, Any], args: object) -> str | None:
    """The first violated constraint key (UTF-16 order, as JavaScript sorts), or None."""
    for key in sorted(constraints, key=utf16_key):
        bound = constraints[key]
        bounded = _BOUNDED.match(key)
        if bounded:
            actual = own_value(args, bounded.group(2))
            if not is_finite_number(actual) or not is_number(bound):
                return key
            if (actual > bound) if bounded.group(1) == "max" else (actual < bound):
                return key
            continue
        actual = own_value(args, key)
        if actual is MISSING:
            return key
        allowed = bound if isinstance(bound, list) else [bound]
        if not any(json_equals(candidate, actual) for candidate in allowed):
            return key
    return None
