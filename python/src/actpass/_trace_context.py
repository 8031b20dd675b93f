"""W3C trace context for the request being sent, from the application's OpenTelemetry set-up.

A preflight joins the trace of the agent step that asked for it without the caller passing
``traceparent`` by hand. ``actpass`` does not depend on OpenTelemetry and never imports it: when the
application has imported ``opentelemetry`` the globally configured propagator injects the active span's
context; otherwise this costs one dictionary lookup. Headers the caller sets (``extra_headers``,
``with_options``) are applied afterwards, so an explicit ``traceparent`` wins.
"""

from __future__ import annotations

import sys

_TRACE_HEADERS = frozenset({"traceparent", "tracestate", "baggage"})


def active_trace_headers() -> dict[str, str]:
    """``traceparent``/``tracestate`` of the active span, or an empty dict (no span, no OpenTelemetry)."""
    if "opentelemetry" not in sys.modules:
        return {}
    try:
        from opentelemetry import propagate

        carrier: dict[str, str] = {}
        propagate.inject(carrier)
    except Exception:  # tracing is never a reason for a decision to fail
        return {}
    # Only single-line trace headers: a propagator cannot add credentials or split a header.
    return {
        name.lower(): value
        for name, value in carrier.items()
        if name.lower() in _TRACE_HEADERS and isinstance(value, str) and not any(c in value for c in "\r\n\0")
    }
