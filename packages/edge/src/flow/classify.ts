/**
 * The flow labels of one upstream tool, from what the proxy's operator configured and the exposure
 * scan's rules: never from anything the agent says. The upstream's own annotations may add labels
 * (as in the scan, they can add risk but not take it away) but only where the operator left the tool
 * to the rules.
 */
import { classifySurface } from '../exposure/classify.js';
import { DEFAULT_RULES } from '../exposure/rules.js';
import type { McpLaunch, ToolAnnotations } from '../exposure/types.js';
import { wildcardMatch } from '../exposure/wildcard.js';
import type { FlowSettings } from './config.js';
import { type FlowLabel, labelsOfCategories } from './labels.js';

export interface ClassifiedServer {
  name: string;
  launch: McpLaunch | null;
  flow: FlowSettings | null;
}

export function toolLabels(
  server: ClassifiedServer,
  tool: string,
  annotations?: ToolAnnotations,
): FlowLabel[] {
  const configured = server.flow?.tools.filter((entry) => wildcardMatch(entry.pattern, tool)) ?? [];
  if (configured.length > 0) return union(configured.map((entry) => entry.labels));
  if (server.flow?.labels) return server.flow.labels;
  const byTool = classifySurface(
    {
      kind: 'mcp-tool',
      name: `${server.name}.${tool}`,
      source: 'proxy',
      capabilities: [],
      ...(annotations ? { annotations } : {}),
      gate: 'mcp-proxy',
      ownCredentials: [],
    },
    DEFAULT_RULES,
  );
  const labels = labelsOfCategories(byTool.categories);
  return labels.length > 0 ? labels : serverLabels(server);
}

/** What the server as a whole is (its launch command or URL), for resources and unnamed tools. */
export function serverLabels(server: ClassifiedServer): FlowLabel[] {
  if (server.flow?.labels) return server.flow.labels;
  const whole = classifySurface(
    {
      kind: 'mcp-server',
      name: server.name,
      source: 'proxy',
      capabilities: [],
      gate: 'mcp-proxy',
      ownCredentials: [],
      ...(server.launch ? { launch: server.launch } : {}),
    },
    DEFAULT_RULES,
  );
  return labelsOfCategories(whole.categories);
}

function union(lists: FlowLabel[][]): FlowLabel[] {
  return [...new Set(lists.flat())].sort();
}
