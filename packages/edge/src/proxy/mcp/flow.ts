/**
 * What the MCP proxy tells the gateway about a call for flow control: the session (one per agent
 * connection) and the call's labels, classified from the proxy's own configuration of the upstream
 * (its `flow` settings, else the exposure scan's rules on the tool and the server's launch) — never
 * from anything the agent sent. And the upstreams' own credentials, which it redacts from results.
 */
import { CREDENTIAL_NAME } from '../../exposure/sources/mcp-servers.js';
import type { McpLaunch, ToolAnnotations } from '../../exposure/types.js';
import { type FlowLabel, serverLabels, toolLabels } from '../../flow/index.js';
import type { McpUpstream } from './config.js';

export interface SessionContext {
  session: { id: string; categories: FlowLabel[] };
}

/** The preflight context of a call to `tool` on `upstream` in session `sessionId`. */
export function toolCallContext(
  upstream: McpUpstream | undefined,
  tool: string,
  annotations: unknown,
  sessionId: string,
): SessionContext {
  const categories = upstream ? toolLabels(classified(upstream), tool, annotationsOf(annotations)) : [];
  return { session: { id: sessionId, categories } };
}

/**
 * A resource read or a prompt brings the server's content in: it carries the server's reading labels
 * (private data, untrusted content), but sends nothing out.
 */
export function readContext(upstream: McpUpstream | undefined, sessionId: string): SessionContext {
  const categories = upstream
    ? serverLabels(classified(upstream)).filter((label) => label !== 'external_comm')
    : [];
  return { session: { id: sessionId, categories } };
}

/** Values of the credentials configured for the upstreams (env or headers named like one). */
export function configuredSecrets(upstreams: readonly McpUpstream[]): string[] {
  const found: string[] = [];
  for (const upstream of upstreams) {
    const settings = upstream.kind === 'stdio' ? upstream.env : upstream.headers;
    for (const [name, value] of Object.entries(settings)) {
      if (!CREDENTIAL_NAME.test(name)) continue;
      found.push(value);
      // `Authorization: Bearer <token>`: an upstream echoing the token alone must not slip through.
      const token = /^(?:Bearer|Basic|Token|Bot)\s+(\S+)$/i.exec(value)?.[1];
      if (token) found.push(token);
    }
  }
  return found;
}

function classified(upstream: McpUpstream) {
  return { name: upstream.name, launch: launchOf(upstream), flow: upstream.flow };
}

function launchOf(upstream: McpUpstream): McpLaunch {
  return upstream.kind === 'stdio'
    ? { transport: 'stdio', command: upstream.command, args: upstream.args, env: upstream.env }
    : { transport: 'http', url: upstream.url.toString(), headers: upstream.headers };
}

/** Only the three risk hints, and only when they are booleans, whatever else the upstream sent. */
function annotationsOf(value: unknown): ToolAnnotations | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const hints: ToolAnnotations = {};
  for (const key of ['readOnlyHint', 'destructiveHint', 'openWorldHint'] as const) {
    const hint = (value as Record<string, unknown>)[key];
    if (typeof hint === 'boolean') hints[key] = hint;
  }
  return hints;
}
