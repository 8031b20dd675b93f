/**
 * The rest of MCP the proxy fronts: upstream resources, resource templates and prompts.
 *
 * Resources keep their URIs (an agent may have them in hand already); a read goes to the server that
 * listed the URI, or whose template's fixed prefix it starts with. A URI two servers claim is
 * ambiguous and refused rather than guessed. Prompts are exposed as `<server>.<prompt>` with the same
 * naming rules as tools. Listing goes through the same concurrent, bounded fan-out as tools.
 */
import type { Prompt, Resource, ResourceTemplate } from '@modelcontextprotocol/sdk/types.js';
import type { Fanout } from './fanout.js';
import { mapToolNames } from './names.js';
import type { UpstreamPool } from './upstreams.js';

export interface PromptEntry {
  exposed: string;
  server: string;
  upstreamName: string;
  relayed: Prompt;
}

interface TemplateRoute {
  server: string;
  prefix: string;
}

export class Surfaces {
  #resources = new Map<string, { server: string; resource: Resource }>();
  #ambiguous = new Set<string>();
  #templates: Array<{ server: string; template: ResourceTemplate }> = [];
  #templateRoutes: TemplateRoute[] = [];
  #prompts = new Map<string, PromptEntry>();

  constructor(
    private readonly pool: UpstreamPool,
    private readonly fanout: Fanout,
  ) {}

  async refreshResources(): Promise<void> {
    const [resources, templates] = await Promise.all([
      this.fanout.collect('resources', (server) => this.pool.listResources(server)),
      this.fanout.collect('resource templates', (server) => this.pool.listResourceTemplates(server)),
    ]);
    const byUri = new Map<string, { server: string; resource: Resource }>();
    const ambiguous = new Set<string>();
    for (const server of this.pool.names()) {
      for (const resource of resources.get(server) ?? []) {
        const claimed = byUri.get(resource.uri);
        if (claimed && claimed.server !== server) ambiguous.add(resource.uri);
        else byUri.set(resource.uri, { server, resource });
      }
    }
    for (const uri of ambiguous) byUri.delete(uri);
    this.#resources = byUri;
    this.#ambiguous = ambiguous;
    this.#templates = this.pool
      .names()
      .flatMap((server) => (templates.get(server) ?? []).map((template) => ({ server, template })));
    this.#templateRoutes = this.#templates.map(({ server, template }) => ({
      server,
      prefix: template.uriTemplate.split('{')[0] ?? '',
    }));
  }

  async refreshPrompts(): Promise<void> {
    const listed = await this.fanout.collect('prompts', (server) => this.pool.listPrompts(server));
    const prompts = new Map<string, PromptEntry>();
    for (const server of this.pool.names()) {
      const list = listed.get(server);
      if (!list) continue;
      const byName = new Map(list.map((prompt) => [prompt.name, prompt]));
      for (const [exposed, upstreamName] of mapToolNames(
        server,
        list.map((prompt) => prompt.name),
      )) {
        const prompt = byName.get(upstreamName) as Prompt;
        prompts.set(exposed, { exposed, server, upstreamName, relayed: { ...prompt, name: exposed } });
      }
    }
    this.#prompts = prompts;
  }

  resources(): Resource[] {
    return [...this.#resources.values()].map(({ resource }) => resource);
  }

  templates(): ResourceTemplate[] {
    return this.#templates.map(({ template }) => template);
  }

  prompts(): Prompt[] {
    return [...this.#prompts.values()].map((entry) => entry.relayed);
  }

  prompt(exposed: string): PromptEntry | undefined {
    return this.#prompts.get(exposed);
  }

  /** The server a read of `uri` goes to; null when none (or more than one) claims it. */
  routeResource(uri: string): string | null {
    if (this.#ambiguous.has(uri)) return null;
    const listed = this.#resources.get(uri);
    if (listed) return listed.server;
    const servers = new Set(
      this.#templateRoutes
        .filter((route) => route.prefix !== '' && uri.startsWith(route.prefix))
        .map((route) => route.server),
    );
    return servers.size === 1 ? ([...servers][0] as string) : null;
  }
}
