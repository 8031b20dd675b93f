"""``python -m actpass.local serve``: the local gateway on loopback HTTP, for code that expects a URL.

The same API as ``actpass dev`` (the Node gateway's CLI), with no Node: one tenant (``acme``), one key
per role, the refunds pack unless ``--policy`` names another, and, with ``--json``, one ready line
``{"ready": true, "url", "tenant_id", "keys": {"agent", "approver", "admin"}, "jwks_url"}``. Listens on
127.0.0.1 only; state lives in memory, or the ledger also in ``--ledger FILE``.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from ._gateway import LocalGateway
from ._packs import PACK_NAMES

MAX_BODY_BYTES = 1024 * 1024


def make_handler(gateway: LocalGateway) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _answer(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if length > MAX_BODY_BYTES:
                self._send(
                    413,
                    {"error": {"code": "request.invalid", "message": "body exceeds 1 MiB", "request_id": ""}},
                    "",
                )
                return
            raw = self.rfile.read(length) if length else b""
            url = urlsplit(self.path)
            headers = {name.lower(): value for name, value in self.headers.items()}
            reply = gateway.handle(self.command, url.path, dict(parse_qsl(url.query)), headers, raw)
            self._send(reply.status, reply.body, reply.request_id)

        def _send(self, status: int, body: Any, request_id: str) -> None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            self.send_response(status)
            self.send_header("content-type", "application/json; charset=utf-8")
            self.send_header("x-request-id", request_id)
            self.send_header("content-length", str(len(content)))
            self.end_headers()
            self.wfile.write(content)

        do_GET = do_POST = do_PUT = do_DELETE = _answer

        def log_message(self, format: str, *args: Any) -> None:  # requests are not logged (keys ride in them)
            return

    return Handler


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m actpass.local", description="ActPass in process, without Node."
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    serve = commands.add_parser("serve", help="serve the local gateway on 127.0.0.1")
    serve.add_argument("--port", type=int, default=8787, help="port (0 picks a free one; default 8787)")
    serve.add_argument(
        "--policy", default="refunds", help=f"a pack name: {', '.join(PACK_NAMES)} (default refunds)"
    )
    serve.add_argument(
        "--ledger", help="also append every ledger event to this file (continued if it exists)"
    )
    serve.add_argument("--json", action="store_true", help="print one JSON line once listening")
    options = parser.parse_args(argv)
    if options.policy not in PACK_NAMES:
        parser.error(f"--policy: {options.policy!r} is not a pack; use one of {', '.join(PACK_NAMES)}")
    gateway = LocalGateway(options.policy, ledger_path=options.ledger)
    server = ThreadingHTTPServer(("127.0.0.1", options.port), make_handler(gateway))
    url = f"http://127.0.0.1:{server.server_address[1]}"
    keys = {role: gateway.key(role) for role in ("agent", "approver", "admin")}
    if options.json:
        ready = {"ready": True, "url": url, "tenant_id": gateway.tenants[0], "keys": keys,
                 "jwks_url": f"{url}/.well-known/jwks.json"}  # fmt: skip
        print(json.dumps(ready), flush=True)
    else:
        print(f"ActPass (in process, no Node) on {url}, tenant {gateway.tenants[0]}, policy {options.policy}")
        print(f"export ACTPASS_BASE_URL={url} ACTPASS_API_KEY={keys['agent']}")
        print(f"approver key: {keys['approver']}\nadmin key: {keys['admin']}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
