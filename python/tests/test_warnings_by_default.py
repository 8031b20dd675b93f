"""Without any logging set up by the application, fail-closed decisions and retries reach stderr as
warnings, and never carry the API key."""

from __future__ import annotations

import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import httpx, actpass
    calls = []
    def handler(request):
        calls.append(request)
        return httpx.Response(503, json={"error": {"code": "server.unavailable", "message": "busy",
                                                   "request_id": "req_1"}})
    client = actpass.ActPassClient(api_key="sk_secret_value_123456", base_url="http://gw.test",
                                   transport=httpx.MockTransport(handler), sleep=lambda s: None,
                                   max_retries=1)
    d = client.preflight(goal="g", tool="stripe.refund.create")
    print(d["reason_code"], len(calls))
    """
)


def test_retries_and_fail_closed_decisions_warn_on_stderr_by_default() -> None:
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["client.http_error", "2"]
    assert "retrying POST /actions/preflight" in done.stderr
    assert "preflight failed closed (client.http_error)" in done.stderr
    assert "sk_secret_value_123456" not in done.stderr
