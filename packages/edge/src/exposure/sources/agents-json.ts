/** `agents.json`: `{agents: [{name, tools: [{name, capabilities[], gate?}]}]}`, declared by hand. */
import { type Agent, GATES, type Gate } from '../types.js';
import { InventoryError } from './errors.js';

export function isAgentsFile(json: unknown): boolean {
  return typeof json === 'object' && json !== null && Array.isArray((json as { agents?: unknown }).agents);
}

export function readAgentsFile(file: string, json: unknown): Agent[] {
  const problems: string[] = [];
  const agents: Agent[] = [];
  const list = (json as { agents: unknown[] }).agents;
  list.forEach((raw, a) => {
    const agent = raw as { name?: unknown; tools?: unknown } | null;
    const at = `agents[${a}]`;
    if (typeof agent?.name !== 'string' || agent.name.length === 0)
      problems.push(`${at}.name: must be a non-empty string`);
    if (!Array.isArray(agent?.tools)) {
      problems.push(`${at}.tools: must be an array of {name, capabilities[]}`);
      return;
    }
    const surfaces = agent.tools.flatMap((rawTool, t) => {
      const tool = rawTool as { name?: unknown; capabilities?: unknown; gate?: unknown } | null;
      const here = `${at}.tools[${t}]`;
      const okName = typeof tool?.name === 'string' && tool.name.length > 0;
      const okCaps =
        Array.isArray(tool?.capabilities) && tool.capabilities.every((c) => typeof c === 'string');
      const okGate = tool?.gate === undefined || tool.gate === null || GATES.includes(tool.gate as Gate);
      if (!okName) problems.push(`${here}.name: must be a non-empty string`);
      if (!okCaps)
        problems.push(`${here}.capabilities: must be an array of capability names such as "web.read"`);
      if (!okGate) problems.push(`${here}.gate: must be one of ${GATES.join(', ')} (or absent when ungated)`);
      if (!okName || !okCaps || !okGate) return [];
      return [
        {
          kind: 'tool' as const,
          name: tool.name as string,
          source: file,
          capabilities: [...(tool.capabilities as string[])],
          gate: (tool.gate as Gate | undefined) ?? null,
          ownCredentials: [],
        },
      ];
    });
    if (typeof agent.name === 'string' && agent.name.length > 0) {
      agents.push({ name: agent.name, sources: [file], surfaces });
    }
  });
  if (problems.length > 0) throw new InventoryError(file, problems);
  return agents;
}
