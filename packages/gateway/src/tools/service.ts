/**
 * Approved tool definitions and drift (SPEC §8). An agent's tool can change under it (a new parameter,
 * a reworded description that steers a model); approving the definition pins its hash, and a preflight
 * that presents anything else is held until a person re-approves it.
 */
import type { LedgerStore } from '../ledger/index.js';
import { InvalidInputError } from '../store/errors.js';
import type { ApprovedTool, ToolDefinition, ToolStore } from '../store/types.js';
import { toolDefinitionHash } from './hash.js';

export interface DriftProbe {
  tool: string;
  tool_definition?: ToolDefinition;
  tool_hash?: string;
  /** In strict mode a tool nobody approved is held too. */
  strict: boolean;
}

export interface DriftFinding {
  reason_code: 'tool.drifted' | 'tool.unregistered';
  message: string;
  next_step: string;
}

export class ToolService {
  constructor(
    private readonly store: ToolStore,
    private readonly ledger: LedgerStore,
    private readonly nowMs: () => number,
  ) {}

  async approve(tenantId: string, name: string, definition: ToolDefinition): Promise<ApprovedTool> {
    if (definition.name !== name) {
      throw new InvalidInputError(`body.name: must equal the tool name in the path ("${name}").`, [
        { path: 'body.name', message: `must equal "${name}"` },
      ]);
    }
    const approved: ApprovedTool = {
      name,
      hash: toolDefinitionHash(definition),
      definition,
      approved_at: new Date(this.nowMs()).toISOString(),
    };
    await this.ledger.append(tenantId, { type: 'tool.approved', data: { name, hash: approved.hash } });
    await this.store.put(tenantId, approved);
    return approved;
  }

  list(tenantId: string): Promise<ApprovedTool[]> {
    return this.store.list(tenantId);
  }

  /** Null when the presented tool matches what was approved (or nothing can be compared). */
  async findDrift(tenantId: string, probe: DriftProbe): Promise<DriftFinding | null> {
    if (probe.tool_definition && probe.tool_definition.name !== probe.tool) {
      throw new InvalidInputError('body.tool_definition.name: must equal body.tool.', [
        { path: 'body.tool_definition.name', message: 'must equal body.tool' },
      ]);
    }
    const presented = probe.tool_definition ? toolDefinitionHash(probe.tool_definition) : probe.tool_hash;
    if (presented === undefined && !probe.strict) return null;
    const approved = await this.store.get(tenantId, probe.tool);
    if (!approved) {
      if (!probe.strict) return null;
      return {
        reason_code: 'tool.unregistered',
        message: `Tool ${probe.tool} has no approved definition; strict mode runs approved tools only.`,
        next_step: `Ask an admin to approve the definition with PUT /api/v1/tools/${probe.tool}.`,
      };
    }
    if (presented === undefined || presented === approved.hash) return null;
    return {
      reason_code: 'tool.drifted',
      message: `Tool ${probe.tool} differs from its approved definition (approved hash ${approved.hash.slice(0, 12)}…).`,
      next_step: `Review the change, then ask an admin to re-approve it with PUT /api/v1/tools/${probe.tool}.`,
    };
  }
}
