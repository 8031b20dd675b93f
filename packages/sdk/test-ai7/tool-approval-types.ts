/**
 * Type-checked against ai 7 only (test-ai7/tsconfig.json, never run): what `interceptor.toolApproval()`
 * returns is accepted as the `toolApproval` setting of ai 7's `generateText`, and the app's own setting
 * written for ai 7 is accepted by it. A mismatch fails scripts/test-ai-next.sh at its tsc step.
 */
import { generateText, type ToolApprovalConfiguration, type ToolSet, tool } from 'ai';
import { z } from 'zod';
import { aiInterceptor } from '../src/adapters/ai.js';
import type { ActPass } from '../src/index.js';

declare const actpass: ActPass;
declare const model: Parameters<typeof generateText>[0]['model'];

const interceptor = aiInterceptor(actpass, { goal: 'g', approvals: 'durable' });
const tools = interceptor.tools({
  refund: tool({
    inputSchema: z.object({ amount: z.number() }),
    execute: async ({ amount }) => `refunded ${amount}`,
  }),
});

// The app's setting as ai 7 types it, passed through unchanged.
const perTool: ToolApprovalConfiguration<typeof tools, unknown> = {
  refund: async ({ amount }) => (amount > 100 ? 'user-approval' : undefined),
};
const generic: ToolApprovalConfiguration<ToolSet, unknown> = ({ toolCall }) =>
  toolCall.toolName === 'delete_file' ? { type: 'user-approval', reason: 'deletes data' } : undefined;

export const calls = [
  generateText({ model, prompt: 'p', tools, toolApproval: interceptor.toolApproval() }),
  generateText({ model, prompt: 'p', tools, toolApproval: interceptor.toolApproval(perTool) }),
  generateText({ model, prompt: 'p', tools, toolApproval: interceptor.toolApproval(generic) }),
];
