/**
 * LangChain.js: a guarded `refund` tool in the tool-calling loop LangChain documents (the model answers
 * with `tool_calls`, each is invoked with the tool, the `ToolMessage`s go back to the model), driven by
 * a fake chat model built on LangChain's own `FakeChatModel` test model.
 */
import { type GuardToolOptions, guardTool } from '@actpass/sdk/langchain';
import { AIMessage, type BaseMessage, HumanMessage, type ToolMessage } from '@langchain/core/messages';
import type { ChatResult } from '@langchain/core/outputs';
import { tool } from '@langchain/core/tools';
import { FakeChatModel } from '@langchain/core/utils/testing';
import { z } from 'zod';
import {
  type AgentRun,
  finalAnswer,
  GOAL,
  REQUESTS,
  type RefundInput,
  resourceOf,
  type Setup,
  TOOL,
} from './harness.js';

/** First turn: three `refund` tool calls; next turn: repeat the tool messages it was sent. */
export class ScriptedRefundChatModel extends FakeChatModel {
  override async _generate(messages: BaseMessage[]): Promise<ChatResult> {
    const results = messages.filter((m) => m.type === 'tool').map((m) => String(m.content));
    const message =
      results.length > 0
        ? new AIMessage(finalAnswer(results))
        : new AIMessage({
            content: '',
            tool_calls: REQUESTS.map((args, i) => ({
              id: `call_${i}`,
              name: 'refund',
              args,
              type: 'tool_call',
            })),
          });
    return { generations: [{ message, text: String(message.content) }] };
  }
}

export async function runLangChain(
  { agent, payments }: Setup,
  extra: Partial<GuardToolOptions<RefundInput, unknown>> = {},
): Promise<AgentRun> {
  const refund = tool(
    // `input` is typed by `schema`: { charge: string; amount: number }.
    async (input) => payments.refund(input),
    {
      name: 'refund',
      description: 'Refund a charge, amount in cents',
      schema: z.object({ charge: z.string(), amount: z.number().int() }),
    },
  );
  const guarded = guardTool(agent, refund, { tool: TOOL, goal: GOAL, resource: resourceOf, ...extra });
  const model = new ScriptedRefundChatModel({});
  const messages: BaseMessage[] = [new HumanMessage('Refund the three charges the customer disputed.')];
  const toolResults: string[] = [];
  for (let turn = 0; turn < 3; turn++) {
    const reply = await model.invoke(messages);
    messages.push(reply);
    if (!reply.tool_calls?.length) break;
    for (const call of reply.tool_calls) {
      const answer: ToolMessage = await guarded.invoke({ ...call, type: 'tool_call' });
      toolResults.push(String(answer.content));
      messages.push(answer);
    }
  }
  const finalText = String(messages.at(-1)?.content ?? '');
  return { framework: 'LangChain.js', toolResults, finalText, refunded: payments.refunded };
}
