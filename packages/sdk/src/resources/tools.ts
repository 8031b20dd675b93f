import type { ActPass } from '../client.js';
import type { ApprovedTool, RequestOptions, ToolDefinition, ToolList, WithResponse } from '../core/types.js';
import { ApprovedToolSchema, ToolListSchema } from '../schemas/tools.js';

/** Approved tool definitions; a preflight carrying a different definition is `tool.drifted`. */
export class Tools {
  constructor(private readonly client: ActPass) {}

  /**
   * Needs the `admin` role. Approves `definition` under its own `name`. The response lists what the
   * gateway's inspection found; a definition with a `high` finding is refused (`409 tool.suspicious`)
   * unless `acknowledge_findings: true` is passed after reviewing them.
   */
  approve(
    definition: ToolDefinition & { acknowledge_findings?: boolean },
    options?: RequestOptions,
  ): Promise<WithResponse<ApprovedTool>> {
    const path = `/tools/${encodeURIComponent(definition.name)}`;
    return this.client.request({
      method: 'PUT',
      path,
      body: definition,
      schema: ApprovedToolSchema,
      options,
    });
  }

  /** Needs the `admin` role. */
  list(options?: RequestOptions): Promise<WithResponse<ToolList>> {
    return this.client.request({ method: 'GET', path: '/tools', schema: ToolListSchema, options });
  }
}
