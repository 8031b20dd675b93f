"""LangChain: a guarded ``refund`` tool in LangChain's tool-calling loop (the model answers with
``tool_calls``, each is invoked with the tool, the ``ToolMessage`` goes back to the model), driven by a
fake chat model built on LangChain's own ``FakeMessagesListChatModel``. Sync and async."""

from __future__ import annotations

from typing import Any

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.tools import tool
from refunds import GOAL, REQUESTS, TOOL, FakePayments, final_answer, resource_of

from actpass import ActPassClient, AsyncActPassClient
from actpass.adapters.langchain import guard_tool


class ScriptedRefundChatModel(FakeMessagesListChatModel):
    """First turn: three ``refund`` tool calls; next turn: repeat the tool messages it was sent."""

    responses: list[BaseMessage] = []  # noqa: RUF012  (pydantic field of the parent; unused here)

    def _generate(self, messages: list[BaseMessage], *args: Any, **kwargs: Any) -> ChatResult:
        results = [str(m.content) for m in messages if isinstance(m, ToolMessage)]
        if results:
            message = AIMessage(content=final_answer(results))
        else:
            calls = [{"id": f"call_{i}", "name": "refund", "args": args} for i, args in enumerate(REQUESTS)]
            message = AIMessage(content="", tool_calls=calls)
        return ChatResult(generations=[ChatGeneration(message=message)])


def refund_tool(payments: FakePayments) -> Any:
    @tool
    def refund(charge: str, amount: int) -> str:
        """Refund a charge, amount in cents."""
        return payments.refund(charge, amount)

    return refund


def run_sync(client: ActPassClient, payments: FakePayments, **options: Any) -> dict[str, Any]:
    guarded = guard_tool(
        client, refund_tool(payments), tool_name=TOOL, goal=GOAL, resource=resource_of, **options
    )
    model = ScriptedRefundChatModel()
    messages: list[BaseMessage] = [HumanMessage("Refund the three charges the customer disputed.")]
    told: list[str] = []
    for _ in range(3):
        reply = model.invoke(messages)
        messages.append(reply)
        if not isinstance(reply, AIMessage) or not reply.tool_calls:
            break
        for call in reply.tool_calls:
            answer = guarded.invoke({**call, "type": "tool_call"})
            told.append(str(answer.content))
            messages.append(answer)
    return {"told": told, "final": str(messages[-1].content), "refunded": payments.refunded}


async def run_async(client: AsyncActPassClient, payments: FakePayments, **options: Any) -> dict[str, Any]:
    guarded = guard_tool(
        client, refund_tool(payments), tool_name=TOOL, goal=GOAL, resource=resource_of, **options
    )
    model = ScriptedRefundChatModel()
    messages: list[BaseMessage] = [HumanMessage("Refund the three charges the customer disputed.")]
    told: list[str] = []
    for _ in range(3):
        reply = await model.ainvoke(messages)
        messages.append(reply)
        if not isinstance(reply, AIMessage) or not reply.tool_calls:
            break
        for call in reply.tool_calls:
            answer = await guarded.ainvoke({**call, "type": "tool_call"})
            told.append(str(answer.content))
            messages.append(answer)
    return {"told": told, "final": str(messages[-1].content), "refunded": payments.refunded}
