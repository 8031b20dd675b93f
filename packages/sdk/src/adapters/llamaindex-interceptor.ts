/**
 * One ActPass interceptor over a LlamaIndex.TS agent: an `AgentWorkflow` from `agent()` or
 * `multiAgent()`, or a `FunctionAgent` (any `BaseWorkflowAgent`). LlamaIndex.TS looks a tool call up in
 * the calling agent's `tools` and runs that tool's `call`; the interceptor guards every tool there — its
 * own, MCP tools from `@llamaindex/tools`' `mcp()`, tools pushed later (guarded again before each of the
 * agent's steps, through its `takeStep`) and the tools of agents added to the workflow afterwards — so
 * each call is decided before the tool body runs.
 *
 * LlamaIndex.TS hands the model's arguments to the tool unchecked (a zod tool only logs a failed parse
 * and runs anyway), so the interceptor checks them against the tool's JSON Schema (`metadata.parameters`)
 * first: invalid output fails through LlamaIndex's tool-error path and is never decided nor recorded.
 *
 * LlamaIndex.TS offers no pause a tool can hold an agent run on (a tool runs inside the workflow's
 * tool-call step, which always answers every call before the run goes on, and `AgentWorkflow` offers no
 * resume of a saved run): a held call answers its `BLOCKED` text naming the approval request, and the
 * model's retry of the same action after a person approved it releases that request, once.
 */
import type { ActPass } from '../client.js';
import { MisconfiguredError } from '../core/errors.js';
import { guardedCall } from './guarded-call.js';
import type { GuardToolOptions } from './options.js';
import { invalidInputText } from './printable.js';
import { schemaProblem } from './schema-check.js';
import { type ToolNameOption, toolName } from './tool-name.js';

/** The parts of a LlamaIndex tool (`BaseTool` of `@llamaindex/core`) the interceptor reads. */
export interface LlamaIndexTool {
  metadata: { name: string; description: string; parameters?: unknown };
  // biome-ignore lint/suspicious/noExplicitAny: a tool's input type is its own
  call?: ((input: any) => unknown) | undefined;
}

/** The parts of a LlamaIndex.TS workflow agent (`FunctionAgent`, any `BaseWorkflowAgent`) it reads. */
export interface LlamaIndexAgent {
  readonly name: string;
  readonly tools: LlamaIndexTool[];
  // biome-ignore lint/suspicious/noExplicitAny: the workflow's own step arguments pass through unchanged
  takeStep(...args: any[]): Promise<unknown>;
}

/** The parts of an `AgentWorkflow` (what `agent()` and `multiAgent()` return) it reads. */
export interface LlamaIndexAgentWorkflow {
  getAgents(): LlamaIndexAgent[];
  // biome-ignore lint/suspicious/noExplicitAny: the workflow's own agent type
  addAgent(agent: any): unknown;
}

/** What the per-call options receive besides the input: the tool and the agent calling it. */
export interface LlamaIndexToolCall {
  /** LlamaIndex's name of the tool (the model's tool name). */
  toolName: string;
  /** The agent whose tool it is (undefined for a tool guarded on its own with `tool()`). */
  agentName: string | undefined;
  tool: LlamaIndexTool;
}

export type LlamaIndexInterceptOptions = Omit<
  GuardToolOptions<Record<string, unknown>, LlamaIndexToolCall>,
  'tool'
> & {
  /** The ActPass tool name: a string, or a function of LlamaIndex's tool name (default: that name). */
  tool?: ToolNameOption;
};

export interface LlamaIndexInterceptor {
  /**
   * Guards every tool of the workflow's agents (or of the one agent) in place and returns it. Call it on
   * the `AgentWorkflow` you run; agents added to it later with `addAgent` are guarded too.
   */
  protect<T extends LlamaIndexAgentWorkflow | LlamaIndexAgent>(target: T): T;
  /** One tool guarded: the same metadata (name, description, parameters), its call decided first. */
  tool<T extends LlamaIndexTool>(tool: T): T;
  /** The same tools, each guarded (for `agent({ tools: interceptor.tools([...]) })`). */
  tools<T extends LlamaIndexTool>(tools: readonly T[]): T[];
}

const GUARDED = Symbol.for('actpass.llamaindex.guarded');
// AgentWorkflow's own control tool (it passes the turn to another agent and runs nothing outside the
// run): named `handOff`, described with LlamaIndex's handoff prompt.
const HANDOFF_NAME = 'handOff';
const HANDOFF_DESCRIPTION = 'Useful for handing off to another agent.';

export function llamaIndexInterceptor(
  actpass: ActPass,
  options: LlamaIndexInterceptOptions,
): LlamaIndexInterceptor {
  if ((options as { approvals?: unknown }).approvals === 'durable') {
    throw new MisconfiguredError(
      "llamaIndexInterceptor(): approvals: 'durable' is not available for LlamaIndex.TS, whose agent runs have no pause a tool can hold them on; leave it out: a held call answers BLOCKED naming its approval request and the model's retry after a person approved it runs once (or set waitForApproval to wait inside the call)",
    );
  }
  const protectedAgents = new WeakSet<object>();

  const guardTool = <T extends LlamaIndexTool>(tool: T, agentName: string | undefined): T => {
    if (isGuarded(tool) || isHandoff(tool)) return tool;
    const original = tool.call;
    // A tool without a body runs nothing here (LlamaIndex answers that it has no implementation).
    if (typeof original !== 'function') return tool;
    const frameworkName = String(tool.metadata?.name);
    const name = toolName(options.tool, frameworkName);
    const call = async (input: unknown) => {
      const args = asRecord(input);
      const problem = schemaProblem(tool.metadata.parameters, args);
      // Thrown: LlamaIndex reports it as the tool's error result, and nothing is decided or recorded.
      if (problem !== undefined) throw new Error(invalidInputText(frameworkName, problem));
      return guardedCall(actpass, options, name, args, { toolName: frameworkName, agentName, tool }, () =>
        original.call(tool, input),
      );
    };
    // The same kind of tool with every own setting of the original; the agent reads `metadata` (the very
    // same object) and runs `call`, which runs the original's own call once allowed.
    const guarded = Object.create(Object.getPrototypeOf(tool)) as T;
    Object.defineProperties(guarded, Object.getOwnPropertyDescriptors(tool));
    const fixed = (value: unknown) => ({ value, enumerable: true, configurable: true, writable: true });
    Object.defineProperty(guarded, 'metadata', fixed(tool.metadata));
    Object.defineProperty(guarded, 'call', fixed(call));
    Object.defineProperty(guarded, GUARDED, { value: tool });
    const bind = (tool as { bind?: unknown }).bind;
    if (typeof bind === 'function') {
      // A FunctionTool bound to another argument is a new tool: it stays guarded.
      Object.defineProperty(
        guarded,
        'bind',
        fixed((arg: unknown) => guardTool(bind.call(tool, arg) as T, agentName)),
      );
    }
    return guarded;
  };

  const protectAgent = (agent: LlamaIndexAgent): void => {
    if (protectedAgents.has(agent)) return;
    if (!Array.isArray(agent?.tools) || typeof agent.takeStep !== 'function') {
      throw new MisconfiguredError(
        'llamaIndexInterceptor().protect(): expected an AgentWorkflow (from agent() or multiAgent()) or a workflow agent such as FunctionAgent (with tools and takeStep); guard single tools with interceptor.tool(...)',
      );
    }
    const writable = agent as { tools: LlamaIndexTool[] };
    // A copy: the array the app passed to agent() is left as it was.
    writable.tools = [...agent.tools];
    const guardAll = () => {
      const tools = agent.tools;
      for (let i = 0; i < tools.length; i++) tools[i] = guardTool(tools[i] as LlamaIndexTool, agent.name);
    };
    guardAll(); // names that are not ActPass names fail here, not in the middle of a run
    const takeStep = agent.takeStep;
    Object.defineProperty(agent, 'takeStep', {
      value(this: unknown, ...args: unknown[]) {
        guardAll(); // tools pushed since the last step, before the model sees them
        return takeStep.apply(this, args);
      },
      configurable: true,
      writable: true,
    });
    protectedAgents.add(agent);
  };

  return {
    protect(target) {
      if (isAgentWorkflow(target)) {
        for (const agent of target.getAgents()) protectAgent(agent);
        const addAgent = target.addAgent;
        Object.defineProperty(target, 'addAgent', {
          value(this: unknown, agent: LlamaIndexAgent) {
            const result = addAgent.call(this, agent);
            protectAgent(agent); // after the workflow gave it its handoff tool
            return result;
          },
          configurable: true,
          writable: true,
        });
        return target;
      }
      protectAgent(target as LlamaIndexAgent);
      return target;
    },
    tool(tool) {
      return guardTool(tool, undefined);
    },
    tools(tools) {
      return tools.map((tool) => guardTool(tool, undefined));
    },
  };
}

/**
 * Guards every tool of a LlamaIndex.TS agent (an `AgentWorkflow` from `agent()` / `multiAgent()`, or a
 * `FunctionAgent`) with one interceptor and returns it.
 */
export function guardAgent<T extends LlamaIndexAgentWorkflow | LlamaIndexAgent>(
  actpass: ActPass,
  target: T,
  options: LlamaIndexInterceptOptions,
): T {
  return llamaIndexInterceptor(actpass, options).protect(target);
}

function isAgentWorkflow(target: unknown): target is LlamaIndexAgentWorkflow {
  return (
    typeof target === 'object' &&
    target !== null &&
    typeof (target as LlamaIndexAgentWorkflow).getAgents === 'function' &&
    typeof (target as LlamaIndexAgentWorkflow).addAgent === 'function'
  );
}

function isGuarded(tool: LlamaIndexTool): boolean {
  return (tool as { [GUARDED]?: unknown })[GUARDED] !== undefined;
}

function isHandoff(tool: LlamaIndexTool): boolean {
  const metadata = tool.metadata;
  return (
    metadata?.name === HANDOFF_NAME &&
    typeof metadata.description === 'string' &&
    metadata.description.startsWith(HANDOFF_DESCRIPTION)
  );
}

/** The model's arguments as LlamaIndex parsed them: an object, else `{ input }`. */
function asRecord(input: unknown): Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input)
    ? (input as Record<string, unknown>)
    : { input };
}
