/**
 * `@actpass/sdk/mcp`: `guard()` around an MCP client's `callTool`. Every call is decided by ActPass
 * before the request leaves for the MCP server; a blocked call never reaches it and comes back as an
 * error result whose text is `BLOCKED <reason_code>: <summary>`.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ActPass } from '../client.js';
import { guardedCall } from './guarded-call.js';
import type { GuardToolOptions } from './options.js';
import { toolName } from './tool-name.js';

export { blockedText, isToolBlockedError, ToolBlockedError } from './blocked.js';
export type { GuardToolOptions, PerCall } from './options.js';
export { isToolName, type ToolNameOption } from './tool-name.js';

type CallToolParams = Parameters<Client['callTool']>[0];
type CallToolSchema = Parameters<Client['callTool']>[1];
type CallToolOptions = Parameters<Client['callTool']>[2];
type CallToolResult = Awaited<ReturnType<Client['callTool']>>;

/** What the per-call options receive besides the arguments: the MCP tool name and the request. */
export interface McpToolCall {
  name: string;
  params: CallToolParams;
}

/**
 * The same MCP `Client` (it is one: `instanceof Client`, every method and property as before) whose
 * `callTool` is decided by ActPass first; `client` is the unguarded original.
 */
export type GuardedMcpClient = Client & { readonly client: Client };

/**
 * Guards `client.callTool`. The ActPass tool name defaults to the MCP tool's name; map it with
 * `tool: (name) => \`stripe.${name}\``. A name that maps to an invalid ActPass name throws before
 * anything is sent.
 */
export function guardClient(
  actpass: ActPass,
  client: Client,
  options: GuardToolOptions<Record<string, unknown>, McpToolCall>,
): GuardedMcpClient {
  const callTool = async (
    params: CallToolParams,
    resultSchema?: CallToolSchema,
    requestOptions?: CallToolOptions,
  ): Promise<CallToolResult> => {
    const name = toolName(options.tool, params.name);
    const input = params.arguments ?? {};
    const outcome = await guardedCall<Record<string, unknown>, McpToolCall, CallToolResult>(
      actpass,
      options,
      name,
      input,
      { name: params.name, params },
      () => client.callTool(params, resultSchema, requestOptions),
      requestOptions?.signal,
    );
    if (typeof outcome !== 'string') return outcome;
    return { content: [{ type: 'text', text: outcome }], isError: true };
  };
  // A proxy rather than a copy: the caller keeps the very client it connected (its transport,
  // capabilities and handlers), with one method decided first.
  return new Proxy(client, {
    get(target, property) {
      if (property === 'callTool') return callTool;
      if (property === 'client') return client;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as GuardedMcpClient;
}
