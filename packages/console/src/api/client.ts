/**
 * The console's one door to the gateway: same-origin fetch, the pasted key as a bearer header, no
 * cookies (credentials: 'omit'). Each method is one API operation.
 */
import { API_PREFIX } from '../constants.js';
import { errorFromResponse } from './errors.js';
import type { PolicySimulation, RolloutReport, WhoAmI } from './report-types.js';
import type {
  ApprovalRequest,
  ApprovedTool,
  ChainVerification,
  EvidenceExport,
  EvidencePage,
  PassportRevocation,
  PolicyDocument,
  Suspension,
  ToolDefinition,
} from './types.js';

export type Query = Record<string, string | number | undefined>;

export class ApiClient {
  constructor(private readonly key: string) {}

  async request<T>(
    method: 'GET' | 'POST' | 'PUT',
    path: string,
    query: Query = {},
    body?: unknown,
  ): Promise<T> {
    const params = new URLSearchParams();
    for (const [name, value] of Object.entries(query)) {
      if (value !== undefined && value !== '') params.set(name, String(value));
    }
    const encoded = params.toString();
    const search = encoded === '' ? '' : `?${encoded}`;
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.key}`,
      accept: 'application/json',
    };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${API_PREFIX}${path}${search}`, {
      method,
      headers,
      credentials: 'omit',
      cache: 'no-store',
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    if (!response.ok) throw await errorFromResponse(response);
    return (await response.json()) as T;
  }

  /** Approval requests, newest first; every status when `status` is undefined. */
  listApprovals(status: string | undefined, limit: number) {
    return this.request<{ items: ApprovalRequest[] }>('GET', '/approvals', { status, limit });
  }

  getApproval(id: string) {
    return this.request<ApprovalRequest>('GET', `/approvals/${encodeURIComponent(id)}`);
  }

  decideApproval(id: string, verdict: 'approve' | 'deny', note: string) {
    const body = note.trim() === '' ? {} : { note };
    return this.request<ApprovalRequest>('POST', `/approvals/${encodeURIComponent(id)}/${verdict}`, {}, body);
  }

  revokePassport(jti: string, reason: string) {
    return this.request<PassportRevocation>(
      'POST',
      `/passports/${encodeURIComponent(jti)}/revoke`,
      {},
      reason.trim() === '' ? {} : { reason },
    );
  }

  /** The kill switch: POST /suspensions (admin). */
  suspend(body: { scope: 'agent' | 'user' | 'tool' | 'tenant'; match?: string; reason: string }) {
    return this.request<Suspension>('POST', '/suspensions', {}, body);
  }

  listTools() {
    return this.request<{ items: ApprovedTool[] }>('GET', '/tools');
  }

  /** PUT /tools/{name}: 409 `tool.suspicious` (with the findings) unless `acknowledge` over a high finding. */
  approveTool(definition: ToolDefinition, acknowledge: boolean) {
    const body = acknowledge ? { ...definition, acknowledge_findings: true } : definition;
    return this.request<ApprovedTool>('PUT', `/tools/${encodeURIComponent(definition.name)}`, {}, body);
  }

  listEvidence(query: Query) {
    return this.request<EvidencePage>('GET', '/evidence', query);
  }

  verifyEvidence() {
    return this.request<ChainVerification>('GET', '/evidence/verify');
  }

  exportEvidence() {
    return this.request<EvidenceExport>('GET', '/evidence/export');
  }

  getPolicy() {
    return this.request<PolicyDocument>('GET', '/policy');
  }

  whoami() {
    return this.request<WhoAmI>('GET', '/whoami');
  }

  rolloutReport(query: { since?: string; until?: string; bucket?: string; top?: number }) {
    return this.request<RolloutReport>('GET', '/reports/rollout', query);
  }

  simulatePolicy(body: {
    policy: Record<string, unknown>;
    since?: string;
    after_seq?: number;
    limit?: number;
  }) {
    return this.request<PolicySimulation>('POST', '/policy/simulate', {}, body);
  }
}
