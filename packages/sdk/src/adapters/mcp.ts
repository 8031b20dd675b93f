/**
 * `@actpass/sdk/mcp`: `guard()` around an MCP client's `callTool`. Every call is decided by ActPass
 * before the request leaves for the MCP server; a blocked call never reaches it and comes back as an
 * error result whose text is `BLOCKED <reason_code>: <summary>`. A call to a tool the server does not
 * list, or with arguments its input schema plainly rejects, is the model's mistake: it is answered as
 * an error result without being decided, recorded or sent.
 */
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { ActPass } from '../client.js';
import { MisconfiguredError } from '../core/errors.js';
import { guardedCall } from './guarded-call.js';
import type { GuardToolOptions } from './options.js';
import { invalidInputText, quotedToolName } from './printable.js';
import { schemaProblem } from './schema-check.js';
import { toolName } from './tool-name.js';

export { blockedText, isToolBlockedError, ToolBlockedError } from './blocked.js';
export type { GuardToolOptions, PerCall } from './options.js';
export { isToolName, type ToolNameOption } from './tool-name.js';

type CallToolParams = Parameters<Client['callTool']>[0];
type CallToolSchema = Parameters<Client['callTool']>[1];
type CallToolOptions = Parameters<Client['callTool']>[2];
type CallToolResult = Awaited<ReturnType<Client['callTool']>>;
type ListToolsResult = Awaited<ReturnType<Client['listTools']>>;

/** Pages read when a called tool is not in the listing seen so far (a server listing more is refused). */
const MAX_LIST_PAGES = 100;

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
  // Each listed tool's input schema, from the listings the caller reads and, for a tool not seen yet,
  // from a fresh listing: a call is checked against the schema the server itself published.
  const schemas = new Map<string, unknown>();
  const remember = (listing: ListToolsResult) => {
    for (const tool of listing.tools) schemas.set(tool.name, tool.inputSchema);
    return listing;
  };
  const listTools = async (...args: Parameters<Client['listTools']>) =>
    remember(await client.listTools(...args));
  const inputSchema = async (name: string, requestOptions?: CallToolOptions) => {
    if (!schemas.has(name)) {
      let cursor: string | undefined;
      for (let page = 0; page < MAX_LIST_PAGES && !schemas.has(name); page++) {
        const listing = remember(await client.listTools(cursor ? { cursor } : undefined, requestOptions));
        cursor = listing.nextCursor;
        if (!cursor) break;
      }
    }
    return schemas.get(name);
  };
  const refusal = async (params: CallToolParams, requestOptions?: CallToolOptions) => {
    const shown = quotedToolName(String(params.name));
    if (typeof params.name !== 'string' || !(await inputSchema(params.name, requestOptions))) {
      return `Unknown tool ${shown}: the MCP server does not list it. The call was not sent; use one of the tools the server lists.`;
    }
    const problem = schemaProblem(schemas.get(params.name), params.arguments ?? {});
    if (problem === undefined) return undefined;
    return invalidInputText(String(params.name), problem);
  };

  const callTool = async (
    params: CallToolParams,
    resultSchema?: CallToolSchema,
    requestOptions?: CallToolOptions,
  ): Promise<CallToolResult> => {
    // An invalid ActPass name is the host's misconfiguration (it throws); an unlisted tool or bad
    // arguments are the model's mistake (an error result it can read).
    const name = toolName(options.tool, params.name);
    const refused = await refusal(params, requestOptions);
    if (refused !== undefined) return { content: [{ type: 'text', text: refused }], isError: true };
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
  // Every other way of sending tools/call through this client would skip the decision.
  const request = (...args: Parameters<Client['request']>) => {
    const [call] = args;
    if (call.method === 'tools/call') {
      const name = quotedToolName(String((call.params as { name?: unknown } | undefined)?.name ?? ''));
      return Promise.reject(
        new MisconfiguredError(
          `a tools/call request for ${name} was about to leave this guarded client without a decision: it was not sent; call tools through client.callTool, which ActPass decides first`,
        ),
      );
    }
    return client.request(...args);
  };
  // A proxy rather than a copy: the caller keeps the very client it connected (its transport,
  // capabilities and handlers), with one method decided first.
  return new Proxy(client, {
    get(target, property) {
      if (property === 'callTool') return callTool;
      if (property === 'listTools') return listTools;
      if (property === 'request') return request;
      if (property === 'client') return client;
      const value = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as GuardedMcpClient;
}
