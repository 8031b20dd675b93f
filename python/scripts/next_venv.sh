# Sourced by test_frameworks_next.sh and lock_next.sh (from python/): the second venv, where the OpenAI
# Agents SDK, Google ADK and MCP client adapters are tested at the frameworks' current releases.
# python/.venv holds the older releases every adapter can share (openai-agents 0.20 beside CrewAI's
# openai<3, google-adk 1.14 beside OpenTelemetry 1.45, mcp 1.x beside CrewAI's and
# langchain-mcp-adapters' mcp<2); the current ones cannot join it, so they get a venv of their own.
NEXT_VENV=.venv-next
NEXT_CONSTRAINTS=constraints-next.txt
# The package with only these extras, and only the test tools their tests need. (langchain-mcp-adapters
# needs mcp<2: the MCP tests that load tools with it skip here.)
NEXT_REQUIREMENTS=(-e ".[openai-agents,google-adk,mcp]" pytest pytest-asyncio pytest-timeout)
# The release series the tests must find installed (the tests assert it, so an older release installed by
# mistake fails instead of passing quietly). Raise them when lock_next.sh locks a newer series.
NEXT_EXPECT="openai-agents=0.24 google-adk=2 mcp=2"
NEXT_TESTS=(
  tests/test_adapters_openai_agents_interceptor.py
  tests/test_adapters_google_adk.py
  # guard_tool() in the SDK's Runner against the real gateway (needs Node and packages/gateway/dist).
  tests/live/test_adapters_openai_agents_shapes.py
  # guard_session() at mcp 2 against the MCP filesystem server from npm (needs Node and pnpm install).
  tests/test_adapters_mcp.py
)
