/**
 * OpenAI Agents SDK: an `Agent` with a guarded `refund` tool, run by the SDK's own `Runner` against a
 * scripted `Model` (the SDK's interface for model backends) — no network, no API key, tracing off.
 */
import { type GuardToolOptions, guardTool } from '@actpass/sdk/openai-agents';
import { Agent, type Model, type ModelRequest, type ModelResponse, Runner, Usage } from '@openai/agents';
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

/** The tool outputs found in the request's input items, as text. */
function toolResultsIn(request: ModelRequest): string[] {
  if (typeof request.input === 'string') return [];
  return request.input.flatMap((item) => {
    if (item.type !== 'function_call_result') return [];
    const output = item.output;
    if (typeof output === 'string') return [output];
    return !Array.isArray(output) && output.type === 'text' ? [output.text] : [JSON.stringify(output)];
  });
}

/** First turn: three `refund` calls; next turn: repeat what the tools answered. */
export class ScriptedRefundModel implements Model {
  readonly requests: ModelRequest[] = [];

  async getResponse(request: ModelRequest): Promise<ModelResponse> {
    this.requests.push(request);
    const results = toolResultsIn(request);
    if (results.length > 0) {
      return {
        usage: new Usage(),
        output: [
          {
            type: 'message',
            role: 'assistant',
            status: 'completed',
            content: [{ type: 'output_text', text: finalAnswer(results) }],
          },
        ],
      };
    }
    return {
      usage: new Usage(),
      output: REQUESTS.map((input, i) => ({
        type: 'function_call' as const,
        callId: `call_${i}`,
        name: 'refund',
        arguments: JSON.stringify(input),
        status: 'completed' as const,
      })),
    };
  }

  // biome-ignore lint/correctness/useYield: this model only answers non-streamed runs.
  async *getStreamedResponse(): AsyncIterable<never> {
    throw new Error('ScriptedRefundModel does not stream');
  }
}

export async function runOpenAiAgents(
  { agent: actpass, payments }: Setup,
  extra: Partial<GuardToolOptions<RefundInput, unknown>> = {},
): Promise<AgentRun> {
  const refund = guardTool(
    actpass,
    {
      name: 'refund',
      description: 'Refund a charge, amount in cents',
      parameters: z.object({ charge: z.string(), amount: z.number().int() }),
      // `input` is typed by `parameters`: { charge: string; amount: number }.
      execute: async (input) => payments.refund(input),
    },
    { tool: TOOL, goal: GOAL, resource: resourceOf, ...extra },
  );
  const model = new ScriptedRefundModel();
  const agent = new Agent({
    name: 'support',
    instructions: 'Resolve refund requests.',
    model,
    tools: [refund],
  });
  const runner = new Runner({ tracingDisabled: true });
  const result = await runner.run(agent, 'Refund the three charges the customer disputed.');
  const toolResults = result.newItems.flatMap((item) =>
    item.type === 'tool_call_output_item' ? [String(item.output)] : [],
  );
  return {
    framework: 'OpenAI Agents SDK',
    toolResults,
    finalText: String(result.finalOutput ?? ''),
    refunded: payments.refunded,
  };
}
