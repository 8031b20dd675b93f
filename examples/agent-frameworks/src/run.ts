/**
 * The same refund agent in four TypeScript frameworks, each driven by its own fake model and guarded by
 * its `@actpass/sdk` adapter against the embedded gateway (in-process, no network at all):
 *
 *   $49   → allowed: the tool body runs
 *   $250  → held for a person: the model is told `BLOCKED refund.medium_needs_approval: …`
 *   $600  → denied: the model is told `BLOCKED refund.large_denied: …`; the body never runs
 *
 * then once more in `monitor`, where every call runs and the decisions are only recorded.
 */
import { type AgentRun, type Setup, setup } from './harness.js';
import { runLangChain } from './langchain.js';
import { runMcp } from './mcp.js';
import { runOpenAiAgents } from './openai-agents.js';
import { runVercelAi } from './vercel-ai.js';

const FRAMEWORKS: [string, (world: Setup) => Promise<AgentRun>][] = [
  ['Vercel AI SDK (@actpass/sdk/ai)', runVercelAi],
  ['OpenAI Agents SDK (@actpass/sdk/openai-agents)', runOpenAiAgents],
  ['LangChain.js (@actpass/sdk/langchain)', runLangChain],
  ['MCP client (@actpass/sdk/mcp)', runMcp],
];

export interface Summary {
  /** Per framework and mode: the amounts whose tool body actually ran, in ascending order. */
  ran: Record<string, { enforce: number[]; monitor: number[] }>;
  /** Per framework: what the model was told in enforce, in call order. */
  told: Record<string, string[]>;
}

const amounts = (run: AgentRun) => run.refunded.map((r) => r.amount).sort((a, b) => a - b);

export async function run(print: (line: string) => void): Promise<Summary> {
  const summary: Summary = { ran: {}, told: {} };
  for (const [label, runFramework] of FRAMEWORKS) {
    const enforce = await runFramework(setup('enforce'));
    const monitor = await runFramework(setup('monitor'));
    summary.ran[label] = { enforce: amounts(enforce), monitor: amounts(monitor) };
    summary.told[label] = enforce.toolResults;
    print(label);
    for (const text of enforce.toolResults) print(`  model reads: ${text}`);
    print(`  ran in enforce: ${amounts(enforce).join(', ')}; in monitor: ${amounts(monitor).join(', ')}`);
  }
  return summary;
}
