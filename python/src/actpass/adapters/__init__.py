"""Framework adapters: ``guard()`` around the tools of the frameworks agents are written in, and one
interceptor per agent through each framework's own hook.

- LangChain: ``actpass.adapters.langchain`` (per tool), ``actpass.adapters.langchain_middleware`` (tool
  middleware for ``create_agent``, LangGraph interrupts for durable approvals)
- OpenAI Agents SDK: ``actpass.adapters.openai_agents`` (per tool),
  ``actpass.adapters.openai_agents_interceptor`` (tool input guardrails, interruptions)
- CrewAI: ``actpass.adapters.crewai`` (per tool), ``actpass.adapters.crewai_hooks`` (``before_tool_call``)
- Pydantic AI: ``actpass.adapters.pydantic_ai`` (a capability; deferred tools for durable approvals)
- Google ADK: ``actpass.adapters.google_adk`` (``before_tool_callback``; tool confirmation)
- LlamaIndex: ``actpass.adapters.llamaindex`` (the agent's tools; workflow human-in-the-loop events)
- MCP clients: ``actpass.adapters.mcp`` (a guarded ``ClientSession``)

Each is an extra: ``pip install -e 'python[langchain]'`` (or ``[openai-agents]``, ``[crewai]``,
``[pydantic-ai]``, ``[google-adk]``, ``[llamaindex]``, ``[mcp]``) from a checkout of this repository; a
missing extra raises an error naming the install to run. A blocked call hands the model
``BLOCKED <reason_code>: <summary>`` by default, or raises :class:`ToolBlockedError` with
``on_blocked="raise"``.
"""

from __future__ import annotations

from ._core import GuardOptions, ToolBlockedError, blocked_text, is_tool_name, tool_name

__all__ = ["GuardOptions", "ToolBlockedError", "blocked_text", "is_tool_name", "tool_name"]
