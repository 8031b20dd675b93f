/**
 * Types flow from each framework's tool schema to the wrapper's per-call options and to `execute`.
 * These assertions are checked by `tsc` (the package's typecheck covers test/); at run time they only
 * build the tools.
 */
import { tool as langchainTool } from '@langchain/core/tools';
import { tool as aiTool } from 'ai';
import { describe, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { guardTool as guardAiTool } from '../../src/adapters/ai.js';
import { guardTool as guardLangChainTool } from '../../src/adapters/langchain.js';
import { guardTool as guardAgentsTool } from '../../src/adapters/openai-agents.js';
import { ActPass } from '../../src/index.js';

const actpass = new ActPass({ apiKey: 'k', fetch: async () => new Response('{}') });
const schema = z.object({ charge: z.string(), amount: z.number().int() });
type Refund = { charge: string; amount: number };

describe('types from the tool schema', () => {
  it('Vercel AI SDK: execute and the per-call options see the schema type', () => {
    const guarded = guardAiTool(
      actpass,
      aiTool({
        inputSchema: schema,
        execute: async (input) => {
          expectTypeOf(input).toEqualTypeOf<Refund>();
          return input.amount;
        },
      }),
      {
        tool: 'stripe.refund.create',
        goal: 'g',
        resource: (input) => {
          expectTypeOf(input).toEqualTypeOf<Refund>();
          return `stripe:charge:${input.charge}`;
        },
      },
    );
    expectTypeOf(guarded.execute).parameter(0).toEqualTypeOf<Refund>();
  });

  it('OpenAI Agents SDK: execute and the per-call options see the parameters type', () => {
    guardAgentsTool(
      actpass,
      {
        name: 'refund',
        description: 'Refund a charge',
        parameters: schema,
        execute: async (input) => {
          expectTypeOf(input).toEqualTypeOf<Refund>();
          return 'ok';
        },
      },
      {
        tool: 'stripe.refund.create',
        goal: 'g',
        passport: (input) => {
          expectTypeOf(input).toEqualTypeOf<Refund>();
          return undefined;
        },
      },
    );
  });

  it('LangChain.js: the per-call options see the schema output type', () => {
    const base = langchainTool(async (input) => `refunded ${input.amount}`, { name: 'refund', schema });
    guardLangChainTool(actpass, base, {
      goal: 'g',
      tool: 'stripe.refund.create',
      resource: (input) => {
        expectTypeOf(input).toEqualTypeOf<Refund>();
        return `stripe:charge:${input.charge}`;
      },
    });
  });
});
