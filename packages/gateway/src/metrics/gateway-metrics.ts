/**
 * What a gateway process reports to Prometheus. Every label value is the gateway's own vocabulary
 * (operation names from the contract, decisions, reason codes from policy, modes, stages) or a
 * bounded, validated part of a name (the first segment of a tool, the registry's series cap folding
 * the rest): no agent-supplied free text becomes a label.
 */
import { Counter, Gauge, Histogram, Registry } from './registry.js';

export type PreflightStage = 'policy_load' | 'approval' | 'passport' | 'policy' | 'ledger';

export interface DecisionLabels {
  decision: string;
  reason_code: string;
  mode: string;
  tool: string;
}

declare const __ACTPASS_VERSION__: string | undefined;
/** The package version, set by the build; `dev` when run from source. */
export const GATEWAY_VERSION = typeof __ACTPASS_VERSION__ === 'string' ? __ACTPASS_VERSION__ : 'dev';

/** Tools appear by their first segment (`stripe.refund.create` → `stripe`), at most 50 of them. */
const TOOL_FAMILIES_MAX = 50;
const REASONS_MAX = 300;

export class GatewayMetrics {
  readonly registry = new Registry();
  private readonly requests = this.registry.register(
    new Counter('actpass_http_requests_total', 'HTTP requests answered, by operation and status.', [
      'operation',
      'status',
    ]),
  );
  private readonly requestSeconds = this.registry.register(
    new Histogram('actpass_http_request_duration_seconds', 'Time to answer an HTTP request, by operation.', [
      'operation',
    ]),
  );
  private readonly decisions = this.registry.register(
    new Counter(
      'actpass_decisions_total',
      'Preflight decisions, by decision, reason code, mode and tool family (the first segment of the tool name).',
      ['decision', 'reason_code', 'mode', 'tool'],
      REASONS_MAX,
    ),
  );
  private readonly stageSeconds = this.registry.register(
    new Histogram('actpass_preflight_stage_duration_seconds', 'Time spent in each stage of a preflight.', [
      'stage',
    ]),
  );
  private readonly ledgerSeconds = this.registry.register(
    new Histogram(
      'actpass_ledger_append_duration_seconds',
      'Time from handing an event to the ledger to its durable append (queueing and flush included).',
    ),
  );
  private readonly ledgerErrors = this.registry.register(
    new Counter('actpass_ledger_append_errors_total', 'Ledger appends that failed (the caller got 503).'),
  );
  private ledgerInFlight = 0;
  private readonly toolFamilies = new Set<string>();

  constructor(version: string) {
    this.registry.register(
      new Gauge('actpass_ledger_appends_in_flight', 'Ledger appends waiting for their flush.', () => [
        { value: this.ledgerInFlight },
      ]),
    );
    this.registry.register(
      new Gauge('actpass_build_info', 'The running gateway version.', () => [
        { labels: { version }, value: 1 },
      ]),
    );
  }

  request(operation: string, status: number, seconds: number): void {
    this.requests.inc({ operation, status: String(status) });
    this.requestSeconds.observe(seconds, { operation });
  }

  decision(labels: DecisionLabels): void {
    this.decisions.inc({ ...labels, tool: this.toolFamily(labels.tool) });
  }

  stage(stage: PreflightStage, seconds: number): void {
    this.stageSeconds.observe(seconds, { stage });
  }

  /** Times one ledger append and counts its failure; the promise is returned as it is. */
  async timeLedgerAppend<T>(append: () => Promise<T>): Promise<T> {
    const started = performance.now();
    this.ledgerInFlight += 1;
    try {
      return await append();
    } catch (error) {
      this.ledgerErrors.inc();
      throw error;
    } finally {
      this.ledgerInFlight -= 1;
      this.ledgerSeconds.observe((performance.now() - started) / 1000);
    }
  }

  render(): string {
    return this.registry.render();
  }

  private toolFamily(tool: string): string {
    const family = /^[A-Za-z0-9_-]{1,64}/.exec(tool)?.[0] ?? 'invalid';
    if (this.toolFamilies.has(family)) return family;
    if (this.toolFamilies.size >= TOOL_FAMILIES_MAX) return '_other';
    this.toolFamilies.add(family);
    return family;
  }
}
