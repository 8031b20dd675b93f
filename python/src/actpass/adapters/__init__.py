"""Framework adapters: ``guard()`` around the tools of LangChain (``actpass.adapters.langchain``), the
OpenAI Agents SDK (``actpass.adapters.openai_agents``) and CrewAI (``actpass.adapters.crewai``).

Each is an extra: ``pip install -e 'python[langchain]'`` (or ``[openai-agents]``, ``[crewai]``) from a
checkout of this repository. A blocked call hands the model ``BLOCKED <reason_code>: <summary>`` by
default, or raises :class:`ToolBlockedError` with ``on_blocked="raise"``.
"""

from __future__ import annotations

from ._core import GuardOptions, ToolBlockedError, blocked_text, is_tool_name, tool_name

__all__ = ["GuardOptions", "ToolBlockedError", "blocked_text", "is_tool_name", "tool_name"]
