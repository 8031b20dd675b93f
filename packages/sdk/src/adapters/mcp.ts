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

/** The guarded stand-in for `client.callTool`; the other client methods are used as before. */
export interface GuardedMcpClient {
  callTool(
    params: CallToolParams,
    resultSchema?: CallToolSchema,
    options?: CallToolOptions,
  ): Promise<CallToolResult>;
  readonly client: Client;
}

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
  return {
    client,
    async callTool(params, resultSchema, requestOptions) {
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
    },
  };
}
