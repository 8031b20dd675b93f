/**
 * Vercel AI SDK: `generateText` with a guarded `refund` tool, driven by the SDK's own mock model. The
 * model's first turn asks for the three refunds; its second turn repeats what the tools told it.
 */
import { type GuardToolOptions, guardTool } from '@actpass/sdk/ai';
import { generateText, stepCountIs, tool } from 'ai';
import { MockLanguageModelV3 } from 'ai/test';
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

type LanguageModelCall = Parameters<MockLanguageModelV3['doGenerate']>[0];

const usage = {
  inputTokens: { total: 10, noCache: 10, cacheRead: undefined, cacheWrite: undefined },
  outputTokens: { total: 10, text: 10, reasoning: undefined },
};

/** The tool results the model was sent, as text. */
function toolResultsIn(call: LanguageModelCall): string[] {
  return call.prompt.flatMap((message) =>
    message.role !== 'tool'
      ? []
      : message.content.flatMap((part) => {
          if (part.type !== 'tool-result') return [];
          const output = part.output;
          if (output.type === 'text' || output.type === 'error-text') return [output.value];
          return [JSON.stringify('value' in output ? output.value : output)];
        }),
  );
}

export function refundModel(): MockLanguageModelV3 {
  return new MockLanguageModelV3({
    doGenerate: async (call) => {
      const results = toolResultsIn(call);
      if (results.length > 0) {
        return {
          content: [{ type: 'text', text: finalAnswer(results) }],
          finishReason: { unified: 'stop', raw: 'stop' },
          usage,
          warnings: [],
        };
      }
      return {
        content: REQUESTS.map((input, i) => ({
          type: 'tool-call' as const,
          toolCallId: `call_${i}`,
          toolName: 'refund',
          input: JSON.stringify(input),
        })),
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
        usage,
        warnings: [],
      };
    },
  });
}

export async function runVercelAi(
  { agent, payments }: Setup,
  extra: Partial<Omit<GuardToolOptions<RefundInput, unknown>, 'tool'>> = {},
): Promise<AgentRun> {
  const refund = tool({
    description: 'Refund a charge, amount in cents',
    inputSchema: z.object({ charge: z.string(), amount: z.number().int() }),
    // `input` is typed by the schema: { charge: string; amount: number }.
    execute: async (input) => payments.refund(input),
  });
  const tools = {
    refund: guardTool(agent, refund, { tool: TOOL, goal: GOAL, resource: resourceOf, ...extra }),
  };
  const result = await generateText({
    model: refundModel(),
    tools,
    prompt: 'Refund the three charges the customer disputed.',
    stopWhen: stepCountIs(3),
  });
  const toolResults = result.steps.flatMap((step) =>
    step.content.flatMap((part) => {
      if (part.type === 'tool-result') return [String(part.output)];
      if (part.type === 'tool-error') return [`error: ${String(part.error)}`];
      return [];
    }),
  );
  return { framework: 'Vercel AI SDK', toolResults, finalText: result.text, refunded: payments.refunded };
}
