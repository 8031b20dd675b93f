"""``ACTPASS_LOG=debug|info|warn|error``: how much the ``actpass`` logger shows when the application
has not configured logging itself (like ``OPENAI_LOG``). At ``debug`` every HTTP attempt is one line:
request id, method, path, status, milliseconds, attempt."""

from __future__ import annotations

import logging
import os
import sys

from ._constants import ENV_LOG, LOGGER_NAME
from ._suggest import nearest

__all__ = ["apply_env_log_level", "escape_for_log"]

_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warn": logging.WARNING,
           "warning": logging.WARNING, "error": logging.ERROR}  # fmt: skip
_HANDLER_MARK = "_actpass_env_handler"


def apply_env_log_level() -> None:
    """Sets the ``actpass`` logger's level from ``ACTPASS_LOG`` and, when nothing else prints its
    records, adds one stderr handler (once). An unknown value is reported, never raised: an environment
    variable must not stop a program from starting."""
    raw = os.environ.get(ENV_LOG, "").strip().lower()
    if not raw:
        return
    logger = logging.getLogger(LOGGER_NAME)
    level = _LEVELS.get(raw)
    if level is None:
        shown = escape_for_log(raw[:40])
        logger.warning(
            "actpass: %s=%s is not a level (debug, info, warn, error); did you mean %r?",
            ENV_LOG, shown, nearest(raw, ["debug", "info", "warn", "error"]),
        )  # fmt: skip
        return
    logger.setLevel(level)
    if not logger.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        setattr(handler, _HANDLER_MARK, True)
        logger.addHandler(handler)


def escape_for_log(value: str) -> str:
    """Printable ASCII kept, everything else ``\\xHH``: a value from the wire cannot forge a log line."""
    return "".join(c if "!" <= c <= "~" else f"\\x{ord(c):02x}" for c in value[:200])
