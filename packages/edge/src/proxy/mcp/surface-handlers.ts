/**
 * Resources and prompts through the proxy, decided like tool calls:
 *   resources/read → preflight tool `mcp.<server>.resource.read`, args `{uri}`;
 *   prompts/get    → preflight tool `mcp.<server>.prompt.get`, args `{name, arguments}` (the
 *                    upstream's own prompt name).
 * Anything but `allow` is a JSON-RPC error whose message starts `BLOCKED <reason_code>:` and the
 * upstream never sees the request. Listings are relayed from the bounded, concurrent fan-out.
 */
import { canonicalize } from '@actpass/sdk/canonical';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode,
  GetPromptRequestSchema,
  ListPromptsRequestSchema,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { MCP_BLOCKED_ERROR_CODE } from '../../constants.js';
import { redactCredentials } from '../../filter/index.js';
import { sha256Hex } from '../../hash.js';
import { readContext } from './flow.js';
import { uriEscapeReason } from './path-args.js';
import { relayFiltered } from './relay.js';
import type { McpServerDeps } from './server.js';

export function registerSurfaceHandlers(
  server: Server,
  deps: McpServerDeps,
  agentKey: string | null,
  sessionId: string,
): void {
  server.setRequestHandler(ListResourcesRequestSchema, async () => {
    await deps.surfaces.refreshResources();
    return { resources: deps.surfaces.resources() };
  });

  server.setRequestHandler(ListResourceTemplatesRequestSchema, async () => {
    await deps.surfaces.refreshResources();
    return { resourceTemplates: deps.surfaces.templates() };
  });

  server.setRequestHandler(ReadResourceRequestSchema, async (request) => {
    const { uri } = request.params;
    const traversal = uriEscapeReason(uri);
    if (traversal)
      throw blocked('path.traversal', `the resource URI ${traversal}; read it by a URI without "..".`);
    let upstream = deps.surfaces.routeResource(uri);
    if (upstream === null) {
      await deps.surfaces.refreshResources();
      upstream = deps.surfaces.routeResource(uri);
    }
    if (upstream === null) {
      throw new McpError(
        ErrorCode.InvalidParams,
        'no single upstream lists this resource; list resources and read one of their URIs.',
      );
    }
    const target = upstream;
    return decided(deps, agentKey, sessionId, target, `mcp.${target}.resource.read`, { uri }, () =>
      deps.pool.readResource(target, uri),
    );
  });

  server.setRequestHandler(ListPromptsRequestSchema, async () => {
    await deps.surfaces.refreshPrompts();
    return { prompts: deps.surfaces.prompts() };
  });

  server.setRequestHandler(GetPromptRequestSchema, async (request) => {
    const { name } = request.params;
    let entry = deps.surfaces.prompt(name);
    if (!entry) {
      await deps.surfaces.refreshPrompts();
      entry = deps.surfaces.prompt(name);
    }
    if (!entry) throw new McpError(ErrorCode.InvalidParams, `no upstream prompt is exposed as ${name}.`);
    const { server: target, upstreamName } = entry;
    const args = request.params.arguments;
    return decided(
      deps,
      agentKey,
      sessionId,
      target,
      `mcp.${target}.prompt.get`,
      { name: upstreamName, arguments: args ?? {} },
      () => deps.pool.getPrompt(target, upstreamName, args),
    );
  });
}

function blocked(reasonCode: string, summary: string): McpError {
  return new McpError(MCP_BLOCKED_ERROR_CODE, `BLOCKED ${reasonCode}: ${summary}`);
}

/** Preflight as the agent; forward only on `allow`, record the outcome, relay the filtered answer. */
async function decided<T extends object>(
  deps: McpServerDeps,
  agentKey: string | null,
  sessionId: string,
  server: string,
  tool: string,
  args: Record<string, unknown>,
  forward: () => Promise<T>,
): Promise<T> {
  if (agentKey === null) throw blocked('auth.missing_key', 'the proxy has no agent key to act for.');
  const { decision } = await deps.link.decide(agentKey, {
    goal: deps.config.goal,
    tool,
    args: args as never,
    mode: 'enforce',
    context: readContext(deps.pool.upstream(server), sessionId) as never,
  });
  if (decision.credential?.value) deps.secrets.add(decision.credential.value);
  if (decision.decision !== 'allow') {
    const held = decision.approval_request_id ? ` (approval ${decision.approval_request_id})` : '';
    throw blocked(decision.reason_code, `${decision.explain.summary}${held}`);
  }
  const started = performance.now();
  let failed = false;
  let result: T;
  try {
    result = await forward();
  } catch (error) {
    failed = true;
    // An upstream's error message can quote what it was given: credentials in it are redacted too.
    const message = deps.secrets.redact(
      redactCredentials(String((error as Error).message ?? 'failed')).text,
      {},
    );
    throw new McpError(ErrorCode.InternalError, `upstream error: ${message}`);
  } finally {
    if (failed) deps.track(outcome(deps, agentKey, server, tool, decision, started, null));
  }
  deps.track(outcome(deps, agentKey, server, tool, decision, started, sha256Hex(canonicalize(result))));
  const relayed = relayFiltered(deps, agentKey, server, tool, result);
  if (!relayed.ok) throw blocked(relayed.reasonCode, relayed.summary);
  return relayed.value;
}

function outcome(
  deps: McpServerDeps,
  agentKey: string,
  server: string,
  tool: string,
  decision: { evidence_event_id?: string | null; action_hash?: string | null },
  started: number,
  resultSha256: string | null,
): Promise<boolean> {
  return deps.link.recordOutcome(agentKey, {
    via: 'mcp-proxy',
    server,
    tool,
    decision_event_id: decision.evidence_event_id ?? null,
    action_hash: decision.action_hash ?? null,
    duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
    is_error: resultSha256 === null,
    ...(resultSha256 !== null ? { result_sha256: resultSha256 } : { error: 'upstream' }),
  });
}
