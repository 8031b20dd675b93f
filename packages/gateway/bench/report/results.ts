/** Everything one run of the report measured; a comparison that did not run says why. */
import type { CanonicalResult } from './canonical.js';
import type { HookResult } from './hook.js';
import type { HttpResult } from './http.js';
import type { LedgerResult } from './ledger.js';
import type { Machine } from './machine.js';
import type { PassportResult } from './passport.js';
import type { PeersResult } from './peers/types.js';
import type { ProxyResult } from './proxy.js';
import type { PythonClientResult } from './python-client.js';
import type { SdkResult } from './sdk-client.js';

export interface Skipped {
  skipped: string;
}

export type Outcome<T> = T | Skipped;

export const isSkipped = <T>(outcome: Outcome<T>): outcome is Skipped =>
  typeof outcome === 'object' && outcome !== null && 'skipped' in outcome;

export interface ReportResults {
  machine: Machine;
  rounds: number;
  passport: Outcome<PassportResult>;
  ledger: Outcome<LedgerResult>;
  canonical: Outcome<CanonicalResult>;
  http: Outcome<HttpResult>;
  /** Absent in results saved before the hook was measured here. */
  hook?: Outcome<HookResult>;
  /** Absent in results saved before the proxies were measured here. */
  proxy?: Outcome<ProxyResult>;
  sdk: Outcome<SdkResult>;
  python: Outcome<PythonClientResult>;
  peers: Outcome<PeersResult>;
}
