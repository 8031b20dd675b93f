"""``python -m actpass verify-export EXPORT --jwks FILE``: check a signed evidence export offline.

Exit status: 0 verified, 1 not verified (the output names the first broken seq), 2 usage error or a
file that cannot be read or parsed (the message names the file and the fix).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._canonical import CanonicalJsonError, parse_json_strict

EXIT_OK, EXIT_NOT_VERIFIED, EXIT_USAGE = 0, 1, 2


class _UsageError(Exception):
    pass


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actpass", description="ActPass offline tools.")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    verify = commands.add_parser(
        "verify-export",
        help="verify a signed evidence export with a JWKS",
        description="Verify the Ed25519 signature and the hash chain of an evidence export.",
    )
    verify.add_argument("export", metavar="EXPORT", help="export JSON (GET /api/v1/evidence/export)")
    verify.add_argument(
        "--jwks", required=True, metavar="FILE", help="JWKS JSON (GET /.well-known/jwks.json)"
    )
    verify.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)

    try:
        export = _read_json(args.export, "EXPORT", "save it with `GET /api/v1/evidence/export`")
        jwks = _read_json(args.jwks, "--jwks", "save the gateway's `GET /.well-known/jwks.json`")
    except _UsageError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_USAGE

    from ._verify_export import verify_export

    result = verify_export(export, jwks)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(_describe(result))
    return EXIT_OK if result["ok"] else EXIT_NOT_VERIFIED


def _read_json(path: str, label: str, fix: str) -> Any:
    try:
        text = Path(path).read_bytes()
    except OSError as error:
        raise _UsageError(f"cannot read {label} file {path!r}: {error.strerror or error}; {fix}") from None
    try:
        return parse_json_strict(text)
    except CanonicalJsonError as error:
        raise _UsageError(f"{label} file {path!r} is not valid JSON ({error}); {fix}") from None


def _describe(result: Any) -> str:
    head = result["head"]
    if result["ok"]:
        return (
            f"VERIFIED: signature valid, {result['count']} events, head seq {head['seq']} hash {head['hash']}"
        )
    lines = [f"NOT VERIFIED: {result['reason']}: {result['message']}"]
    if result["first_broken_seq"] is not None:
        lines.append(f"first broken seq: {result['first_broken_seq']}")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
