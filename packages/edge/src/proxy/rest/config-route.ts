/**
 * One route of the REST proxy's config: method and path template, the tool, where goal and user come
 * from, and the args taken from the request. Problems are reported with their path, as in config.ts.
 */
import { type FlowLabel, isFlowLabel } from '../../flow/index.js';
import type { ArgSource, RouteConfig } from './config.js';
import { isObj, optString, unknownKeys } from './config-fields.js';
import { compileTemplate, type PathTemplate } from './template.js';

const TOOL = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE']);
const SOURCE = /^(path|query)\.[A-Za-z0-9_-]+$|^body(\.[A-Za-z0-9_-]+)*$/;
const TYPES = new Set(['string', 'integer', 'number', 'boolean', 'any']);
const AGENT_SETTABLE = ['goal', 'user_id'] as const;
/** The arg name `pass_unmapped` fills. */
export const UNMAPPED_ARG = 'unmapped';
const ROUTE_KEYS = new Set([
  'method',
  'path',
  'tool',
  'goal',
  'user_id',
  'agent_may_set',
  'resource',
  'args',
  'pass_unmapped',
  'flow',
]);

export function parseRoute(
  value: unknown,
  path: string,
  at: (path: string, message: string) => void,
): RouteConfig | null {
  if (!isObj(value)) {
    at(path, 'must be an object {method, path, tool}');
    return null;
  }
  unknownKeys(value, ROUTE_KEYS, `${path}.`, at);
  const method = typeof value.method === 'string' ? value.method.toUpperCase() : '';
  if (!METHODS.has(method)) at(`${path}.method`, `must be one of ${[...METHODS].join(', ')}`);
  let template: PathTemplate | null = null;
  if (typeof value.path !== 'string') at(`${path}.path`, 'must be a path template like /refunds/{charge}');
  else {
    const compiled = compileTemplate(value.path);
    if (typeof compiled === 'string') at(`${path}.path`, compiled);
    else template = compiled;
  }
  const tool = typeof value.tool === 'string' ? value.tool : '';
  if (!TOOL.test(tool) || tool.length > 256)
    at(`${path}.tool`, 'must be a tool name: dot-separated segments of A-Z, a-z, 0-9, "_" or "-"');
  const goal = optString(value.goal, `${path}.goal`, at) ?? null;
  const userId = optString(value.user_id, `${path}.user_id`, at) ?? null;
  if (userId !== null && userId.length > 256) at(`${path}.user_id`, 'must be at most 256 characters');
  const agentMaySet = parseAgentMaySet(value.agent_may_set, `${path}.agent_may_set`, at);
  const resource = optString(value.resource, `${path}.resource`, at) ?? null;
  const inResource = new Set<string>();
  if (resource !== null && template) {
    for (const [, name] of resource.matchAll(/\{([^}]*)\}/g)) {
      if (!template.params.includes(name as string))
        at(`${path}.resource`, `{${name}} is not a parameter of the path template`);
      inResource.add(name as string);
    }
  }
  let passUnmapped = false;
  if (value.pass_unmapped !== undefined) {
    if (typeof value.pass_unmapped !== 'boolean') at(`${path}.pass_unmapped`, 'must be true or false');
    else passUnmapped = value.pass_unmapped;
    if (value.args === undefined)
      at(
        `${path}.pass_unmapped`,
        'applies to a route with an args map only (without one, every query and body field is an arg already)',
      );
  }
  let args: Record<string, ArgSource> | null = null;
  if (value.args !== undefined) {
    if (!isObj(value.args))
      at(`${path}.args`, 'must map argument names to sources (path.x, query.x, body.x)');
    else {
      args = {};
      for (const [name, spec] of Object.entries(value.args)) {
        if (name === UNMAPPED_ARG) {
          at(`${path}.args.${name}`, 'is reserved for the fields pass_unmapped adds; choose another name');
          continue;
        }
        const source = parseArgSource(spec, `${path}.args.${name}`, at);
        if (!source) continue;
        const param = /^path\.(.+)$/.exec(source.from)?.[1];
        if (param !== undefined && template && !template.params.includes(param))
          at(`${path}.args.${name}`, `path.${param} is not a parameter of the path template`);
        args[name] = source;
      }
      // A path parameter neither mapped nor in the resource would reach the upstream undecided.
      const mapped = new Set(Object.values(args).map((source) => source.from));
      for (const param of template?.params ?? []) {
        if (mapped.has(`path.${param}`) || inResource.has(param)) continue;
        if (Object.hasOwn(args, param)) {
          at(
            `${path}.args.${param}`,
            `names another source, so path parameter {${param}} would go undecided; map it under another name or put it in resource`,
          );
          continue;
        }
        args[param] = { from: `path.${param}`, type: 'any' };
      }
    }
  }
  // The route's flow labels, as the operator classifies what the call reads or sends.
  let flow: FlowLabel[] = [];
  if (value.flow !== undefined) {
    if (!Array.isArray(value.flow) || !value.flow.every(isFlowLabel))
      at(`${path}.flow`, 'must be a list of private_data, untrusted_content, external_comm');
    else flow = [...new Set(value.flow)];
  }
  if (!template) return null;
  return { method, path: template, tool, goal, userId, agentMaySet, resource, args, passUnmapped, flow };
}

function parseAgentMaySet(
  value: unknown,
  path: string,
  at: (path: string, message: string) => void,
): RouteConfig['agentMaySet'] {
  const allowed = { goal: false, userId: false };
  if (value === undefined) return allowed;
  if (!Array.isArray(value)) {
    at(path, `must be a list of ${AGENT_SETTABLE.join(', ')}`);
    return allowed;
  }
  value.forEach((entry, i) => {
    if (entry === 'goal' && !allowed.goal) allowed.goal = true;
    else if (entry === 'user_id' && !allowed.userId) allowed.userId = true;
    else
      at(
        `${path}[${i}]`,
        typeof entry === 'string' && (AGENT_SETTABLE as readonly string[]).includes(entry)
          ? `"${entry}" is listed twice`
          : `must be one of ${AGENT_SETTABLE.join(', ')}`,
      );
  });
  return allowed;
}

function parseArgSource(
  spec: unknown,
  path: string,
  at: (path: string, message: string) => void,
): ArgSource | null {
  const raw = typeof spec === 'string' ? { from: spec } : spec;
  if (!isObj(raw) || typeof raw.from !== 'string' || !SOURCE.test(raw.from)) {
    at(path, 'must be "path.<name>", "query.<name>", "body" or "body.<field>", or {from, type}');
    return null;
  }
  const type = raw.type ?? 'any';
  if (typeof type !== 'string' || !TYPES.has(type)) {
    at(`${path}.type`, `must be one of ${[...TYPES].join(', ')}`);
    return null;
  }
  return { from: raw.from, type: type as ArgSource['type'] };
}
