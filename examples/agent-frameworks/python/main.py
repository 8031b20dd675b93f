"""The refund agent in three Python frameworks (LangChain sync and async, the OpenAI Agents SDK, CrewAI),
each driven by its framework's fake model and guarded by ``actpass.adapters``, against the embedded
gateway served on loopback (``actpass dev``): the small refund runs, the medium one is held, the large
one is blocked and the model reads why; then the same in ``monitor``, where every refund runs."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1] / "python-agent"))  # the examples' loopback gateway helper

import crewai_agent  # noqa: E402
import langchain_agent  # noqa: E402
import openai_agents_agent  # noqa: E402
from dev_gateway import dev_gateway  # noqa: E402
from refunds import FakePayments  # noqa: E402

from actpass import ActPassClient, AsyncActPassClient  # noqa: E402


def main() -> None:
    with dev_gateway() as gateway:
        options = {
            "api_key": gateway.keys["agent"],
            "tenant_id": gateway.tenant_id,
            "agent_id": "support_agent",
            "base_url": gateway.url,
        }

        def sync_run(runner: Callable[..., dict[str, Any]]) -> Callable[[str], dict[str, Any]]:
            def run(mode: str) -> dict[str, Any]:
                with ActPassClient(mode=mode, **options) as client:
                    return runner(client, FakePayments())

            return run

        def async_run(runner: Callable[..., Any]) -> Callable[[str], dict[str, Any]]:
            async def go(mode: str) -> dict[str, Any]:
                async with AsyncActPassClient(mode=mode, **options) as client:
                    return dict(await runner(client, FakePayments()))

            return lambda mode: asyncio.run(go(mode))

        frameworks = [
            ("LangChain, ActPassClient (actpass.adapters.langchain)", sync_run(langchain_agent.run_sync)),
            ("LangChain, AsyncActPassClient", async_run(langchain_agent.run_async)),
            ("OpenAI Agents SDK (actpass.adapters.openai_agents)", async_run(openai_agents_agent.run_async)),
            ("CrewAI (actpass.adapters.crewai)", sync_run(crewai_agent.run_sync)),
        ]
        for label, run in frameworks:
            enforce, monitor = run("enforce"), run("monitor")
            print(label)
            for text in enforce["told"]:
                print(f"  model reads: {text}")
            ran = ", ".join(str(a) for a in sorted(r["amount"] for r in enforce["refunded"]))
            ran_monitor = ", ".join(str(a) for a in sorted(r["amount"] for r in monitor["refunded"]))
            print(f"  ran in enforce: {ran}; in monitor: {ran_monitor}")


if __name__ == "__main__":
    main()
