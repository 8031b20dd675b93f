"""Every default of the client in one place. Nothing in the request path hard-codes a number."""

from __future__ import annotations

from typing import Final

DEFAULT_BASE_URL = "http://127.0.0.1:8787"
API_PREFIX = "/api/v1"
JWKS_PATH = "/.well-known/jwks.json"
HEALTH_PATH = "/healthz"

ENV_API_KEY = "ACTPASS_API_KEY"
ENV_BASE_URL = "ACTPASS_BASE_URL"
# debug, info, warn or error: the level of the `actpass` logger when the application sets none.
ENV_LOG = "ACTPASS_LOG"

DEFAULT_MODE: Final = "enforce"
MODES = ("enforce", "monitor", "warn", "strict")

# Per attempt, applied to each of connect, read, write and pool acquisition (httpx semantics).
DEFAULT_TIMEOUT_S = 10.0
DEFAULT_MAX_RETRIES = 2
# Overall deadline of one call across its attempts and backoff waits; a backoff that would end past it is
# not taken, and each attempt's timeout is cut to what is left.
DEFAULT_DEADLINE_S = 15.0
# Largest response body read, counted after decompression; reading stops there.
DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024

# Backoff before retry n (0-based): min(BACKOFF_BASE_MS * 2**n, BACKOFF_CAP_MS), minus up to
# BACKOFF_JITTER of itself, floored to whole milliseconds (as the TypeScript client does).
BACKOFF_BASE_MS = 500
BACKOFF_CAP_MS = 8_000
BACKOFF_JITTER = 0.25
# A server-sent retry-after-ms / Retry-After is honoured only within [0, RETRY_AFTER_CAP_MS].
RETRY_AFTER_CAP_MS = 60_000
RETRYABLE_STATUSES = frozenset({408, 409, 429})
RETRYABLE_STATUS_FLOOR = 500  # every 5xx

# guard()'s background queue of outcome records; past this many waiting, a new record is dropped (logged).
OUTCOME_QUEUE_LIMIT = 1_000

# approvals.wait_for()
DEFAULT_APPROVAL_WAIT_S = 300.0
APPROVAL_POLL_INTERVAL_S = 1.0

REQUEST_ID_HEADER = "x-request-id"
TENANT_HEADER = "x-actpass-tenant"
SDK_HEADER = "x-actpass-sdk"
IDEMPOTENCY_HEADER = "Idempotency-Key"

# What a client-made (fail-closed) decision reports.
CLIENT_DECISION = "deny"
CLIENT_RISK_TIER = "high"
CLIENT_SOURCE = "client"

LOGGER_NAME = "actpass"
