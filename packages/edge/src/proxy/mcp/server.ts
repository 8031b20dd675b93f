/**
 * The MCP proxy's server side, on the official SDK's low-level `Server`:
 *   tools/list → every upstream tool as `<server>.<tool>` (unapproved ones hidden under `refuse`);
 *   tools/call → path arguments checked for `..`, then a preflight as the agent (tool
 *   `mcp.<server>.<tool>`, args = the call's arguments, the current definition for drift) → the
 *   upstream only on `allow`; anything else is a tool result with `isError: true` whose text starts
 *   `BLOCKED <reason_code>:`. What the upstream answers is filtered (relay.ts) before the agent sees it.
 * Resources and prompts are registered by `surface-handlers.ts`.
 */

import { canonicalize } from '@actpass/sdk/canonical';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  type CallToolRequest,
  CallToolRequestSchema,
  type CallToolResult,
  ListToolsRequestSchema,
} from '@modelcontextprotocol/sdk/types.js';
import { PROXY_LOGGED_TEXT_MAX_CHARS, PROXY_REFUSAL_EVIDENCE_TYPE } from '../../constants.js';
import type { KnownSecrets } from '../../filter/index.js';
import { sha256Hex } from '../../hash.js';
import { currentSpan, type Tracer } from '../../tracing/index.js';
import type { GatewayLink } from '../gateway-link.js';
import type { Catalog, CatalogEntry } from './catalog.js';
import type { McpProxyConfig } from './config.js';
import { toolCallContext } from './flow.js';
import { gatewayToolName } from './names.js';
import { refusePathEscape } from './path-args.js';
import { relayFiltered } from './relay.js';
import { registerSurfaceHandlers } from './surface-handlers.js';
import type { Surfaces } from './surfaces.js';
import { childOf, tracedCall } from './tracing.js';
import type { UpstreamPool } from './upstreams.js';

export interface McpServerDeps {
  config: McpProxyConfig;
  link: GatewayLink;
  catalog: Catalog;
  surfaces: Surfaces;
  pool: UpstreamPool;
  /** Secret values redacted from every answer: leased credentials, the upstreams' configured ones. */
  secrets: KnownSecrets;
  /** Where spans go when tracing is on: a server span per tool call, with preflight and upstream children. */
  tracer?: Tracer;
  /** Tracks background work (outcome evidence) so `close()` can wait for it. */
  track(work: Promise<unknown>): void;
  warn(message: string): void;
}

const SERVER_INFO = { name: 'actpass-mcp-proxy', version: '1' };
const CAPABILITIES = {
  tools: { listChanged: true },
  resources: { listChanged: true },
  prompts: { listChanged: true },
};

export function blockedResult(reasonCode: string, summary: string): CallToolResult {
  return { content: [{ type: 'text', text: `BLOCKED ${reasonCode}: ${summary}` }], isError: true };
}

/**
 * One MCP server session acting for `agentKey` (null: every call is refused for want of a key), its
 * calls belonging to the flow-control session `sessionId`.
 */
export function createProxyServer(deps: McpServerDeps, agentKey: string | null, sessionId: string): Server {
  const server = new Server(SERVER_INFO, { capabilities: CAPABILITIES });

  server.setRequestHandler(ListToolsRequestSchema, async () => {
    await deps.catalog.refresh();
    const tools = deps.catalog
      .entries()
      .filter((entry) => entry.approved || deps.config.unapproved === 'hold')
      .map((entry) => entry.relayed);
    return { tools };
  });

  const handleCall = async (request: CallToolRequest): Promise<CallToolResult> => {
    const { name } = request.params;
    const args = (request.params.arguments ?? {}) as Record<string, unknown>;
    let entry = deps.catalog.get(name);
    // Unknown or not yet approved as of the last listing: look again before refusing.
    if (!entry?.approved) {
      await deps.catalog.refresh();
      entry = deps.catalog.get(name);
    }
    if (!entry) return blockedResult('tool.unknown', `no upstream tool is exposed as ${name}.`);
    const upstream = deps.pool.upstream(entry.server);
    const traversal = upstream ? refusePathEscape(upstream.pathArgs, entry.upstreamName, args) : null;
    if (traversal) {
      refused(deps, agentKey, entry, traversal.argument, traversal.reason);
      return blockedResult(
        'path.traversal',
        `argument "${traversal.argument}" ${traversal.reason}; name the file by a path without "..".`,
      );
    }
    if (!entry.approved) {
      const held = deps.config.unapproved === 'hold';
      return blockedResult(
        'tool.unregistered',
        `${gatewayToolName(name)} has no approved definition${held ? '; it is held until an admin approves it' : ''}.`,
      );
    }
    if (agentKey === null) return blockedResult('auth.missing_key', 'the proxy has no agent key to act for.');
    return call(deps, entry, agentKey, args, sessionId);
  };
  server.setRequestHandler(CallToolRequestSchema, (request, extra) =>
    deps.tracer ? tracedCall(deps.tracer, request, extra, () => handleCall(request)) : handleCall(request),
  );

  registerSurfaceHandlers(server, deps, agentKey, sessionId);
  return server;
}

/** A call refused before any decision: a warning, and evidence as the agent when there is one. */
function refused(
  deps: McpServerDeps,
  agentKey: string | null,
  entry: CatalogEntry,
  argument: string,
  reason: string,
): void {
  deps.warn(`MCP proxy refused ${entry.definition.name}: argument "${argument}" ${reason}`);
  if (agentKey === null) return;
  deps.track(
    deps.link.recordEvidence(agentKey, PROXY_REFUSAL_EVIDENCE_TYPE, {
      via: 'mcp-proxy',
      server: entry.server,
      tool: entry.definition.name,
      reason_code: 'path.traversal',
      argument: argument.slice(0, PROXY_LOGGED_TEXT_MAX_CHARS),
    }),
  );
}

async function call(
  deps: McpServerDeps,
  entry: CatalogEntry,
  agentKey: string,
  args: Record<string, unknown>,
  sessionId: string,
): Promise<CallToolResult> {
  const upstream = deps.pool.upstream(entry.server);
  const traced = currentSpan();
  traced?.set('actpass.tool', entry.definition.name).set('actpass.server', entry.server);
  const preflight = childOf(traced, 'actpass.mcp.preflight');
  const { decision } = await deps.link.decide(
    agentKey,
    {
      goal: deps.config.goal,
      tool: entry.definition.name,
      args: args as never,
      mode: 'enforce',
      tool_definition: entry.definition as never,
      context: toolCallContext(
        upstream,
        entry.upstreamName,
        entry.definition.annotations,
        sessionId,
      ) as never,
    },
    preflight?.traceparent,
  );
  preflight?.span.set('actpass.decision', decision.decision).end();
  // A credential the gateway leased for this tool is a vaulted value: never relayed back, from any tool.
  if (decision.credential?.value) deps.secrets.add(decision.credential.value);
  if (decision.decision !== 'allow') {
    const held = decision.approval_request_id ? ` (approval ${decision.approval_request_id})` : '';
    return blockedResult(decision.reason_code, `${decision.explain.summary}${held}`);
  }
  const started = performance.now();
  let result: CallToolResult;
  let failure: string | null = null;
  const forwarded = childOf(traced, 'actpass.mcp.upstream');
  try {
    result = await deps.pool.callTool(entry.server, entry.upstreamName, args);
  } catch (error) {
    failure = (error as Error).message ?? 'upstream error';
    result = { content: [{ type: 'text', text: `upstream error: ${failure}` }], isError: true };
  }
  forwarded?.span.end(failure !== null ? 'upstream error' : null);
  deps.track(
    deps.link.recordOutcome(agentKey, {
      via: 'mcp-proxy',
      server: entry.server,
      tool: entry.definition.name,
      decision_event_id: decision.evidence_event_id ?? null,
      action_hash: decision.action_hash ?? null,
      duration_ms: Math.round((performance.now() - started) * 1000) / 1000,
      is_error: result.isError === true,
      result_sha256: sha256Hex(canonicalize(result.content ?? [])),
      ...(failure !== null ? { error: 'upstream' } : {}),
    }),
  );
  const relayed = relayFiltered(deps, agentKey, entry.server, entry.definition.name, result);
  return relayed.ok ? relayed.value : blockedResult(relayed.reasonCode, relayed.summary);
}
