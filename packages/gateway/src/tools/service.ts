/**
 * Approved tool definitions and drift. An agent's tool can change under it (a new parameter,
 * a reworded description that steers a model); approving the definition pins its hash, and a preflight
 * that presents anything else is held until a person re-approves it.
 */
import { hasHighFinding } from '@actpass/edge/inspect';
import type { LedgerStore } from '../ledger/index.js';
import { InvalidInputError } from '../store/errors.js';
import type { ApprovedTool, ToolDefinition, ToolStore } from '../store/types.js';
import { toolDefinitionHash } from './hash.js';
import {
  describeHigh,
  inspectForApproval,
  ledgerFindings,
  SuspicionCache,
  type ToolFinding,
} from './inspection.js';

/** The body of an approval: the definition, and whether the approver has seen its findings. */
export interface ToolApprovalInput extends ToolDefinition {
  acknowledge_findings?: boolean;
}

/**
 * An approval as stored and returned: with what the inspection found, and whether a person approved
 * over a `high` finding. Records written before inspection existed have neither; their definition is
 * inspected when a preflight presents it.
 */
export interface InspectedTool extends ApprovedTool {
  findings?: ToolFinding[];
  findings_acknowledged?: boolean;
}

/** A definition with a `high` finding, approved without `acknowledge_findings: true`. */
export class SuspiciousToolError extends Error {
  override readonly name = 'SuspiciousToolError';
  constructor(
    readonly tool: string,
    readonly findings: ToolFinding[],
  ) {
    super(
      `Tool ${tool} has findings that hold it: ${describeHigh(findings)}. Review them (each is listed with its decoded text), then approve again with "acknowledge_findings": true.`,
    );
  }
}

export interface DriftProbe {
  tool: string;
  tool_definition?: ToolDefinition;
  tool_hash?: string;
  /** In strict mode a tool nobody approved is held too. */
  strict: boolean;
}

export interface DriftFinding {
  reason_code: 'tool.drifted' | 'tool.unregistered' | 'tool.suspicious';
  message: string;
  next_step: string;
}

export class ToolService {
  readonly #suspicion = new SuspicionCache();

  constructor(
    private readonly store: ToolStore,
    private readonly ledger: LedgerStore,
    private readonly nowMs: () => number,
  ) {}

  async approve(tenantId: string, name: string, input: ToolApprovalInput): Promise<InspectedTool> {
    const { acknowledge_findings: acknowledge, ...definition } = input;
    if (definition.name !== name) {
      throw new InvalidInputError(`body.name: must equal the tool name in the path ("${name}").`, [
        { path: 'body.name', message: `must equal "${name}"` },
      ]);
    }
    const others = (await this.store.list(tenantId)).map((t) => t.name).filter((n) => n !== name);
    const findings = inspectForApproval(definition, others);
    const held = hasHighFinding(findings);
    if (held && acknowledge !== true) throw new SuspiciousToolError(name, findings);
    const approved: InspectedTool = {
      name,
      hash: toolDefinitionHash(definition),
      definition,
      approved_at: new Date(this.nowMs()).toISOString(),
      findings,
      findings_acknowledged: held,
    };
    // The findings are the tool author's text, decoded: what the approver saw, kept as evidence.
    await this.ledger.append(tenantId, {
      type: 'tool.approved',
      data: { name, hash: approved.hash, ...ledgerFindings(findings), findings_acknowledged: held },
    });
    await this.store.put(tenantId, approved);
    return approved;
  }

  /** Approved tools with their findings (inspected now for approvals recorded before inspection). */
  async list(tenantId: string): Promise<InspectedTool[]> {
    const tools = (await this.store.list(tenantId)) as InspectedTool[];
    return tools.map((tool) =>
      tool.findings
        ? tool
        : {
            ...tool,
            findings: inspectForApproval(
              tool.definition,
              tools.map((t) => t.name).filter((n) => n !== tool.name),
            ),
          },
    );
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
    const approved = (await this.store.get(tenantId, probe.tool)) as InspectedTool | undefined;
    if (!approved) {
      // A definition nobody approved is still inspected: a poisoned one is held even outside strict.
      const suspicious = probe.tool_definition && this.suspicious(probe.tool, probe.tool_definition);
      if (suspicious) return suspicious;
      if (!probe.strict) return null;
      return {
        reason_code: 'tool.unregistered',
        message: `Tool ${probe.tool} has no approved definition; strict mode runs approved tools only.`,
        next_step: `Ask an admin to approve the definition with PUT /api/v1/tools/${probe.tool}.`,
      };
    }
    if (presented === undefined || presented === approved.hash) {
      // The pinned definition itself: held when it has a high finding no approver acknowledged (an
      // approval given before inspection existed, say).
      if (approved.findings_acknowledged === true) return null;
      return this.suspicious(probe.tool, approved.definition, approved.hash);
    }
    const suspicious = probe.tool_definition && this.suspicious(probe.tool, probe.tool_definition);
    if (suspicious) return suspicious;
    return {
      reason_code: 'tool.drifted',
      message: `Tool ${probe.tool} differs from its approved definition (approved hash ${approved.hash.slice(0, 12)}…).`,
      next_step: `Review the change, then ask an admin to re-approve it with PUT /api/v1/tools/${probe.tool}.`,
    };
  }

  /**
   * `tool.suspicious` when the definition has a high finding. The message names codes and fields only:
   * the decoded text is the tool author's and goes to the approver, never back to the agent.
   */
  private suspicious(tool: string, definition: ToolDefinition, hash?: string): DriftFinding | null {
    const high = this.#suspicion.highFindings(hash ?? toolDefinitionHash(definition), definition);
    if (high.length === 0) return null;
    return {
      reason_code: 'tool.suspicious',
      message: `Tool ${tool} is held: its definition has findings no admin has acknowledged (${describeHigh(high)}).`,
      next_step: `Ask an admin to review the findings and approve the definition with PUT /api/v1/tools/${tool} and "acknowledge_findings": true.`,
    };
  }
}
