export { actionHash, canonicalAction } from './action.js';
export { type DelegationDeps, verifyDelegation } from './delegation.js';
export { type Lease, type LeaseCredential, leaseAgain, vaultLeaser } from './lease.js';
export { type DecideCall, type DecideDeps, type Decision, decide, type PreflightInput } from './pipeline.js';
export { compileOrThrow, type PolicyInForce, type PolicyRef, TenantPolicies } from './tenant-policies.js';
export { applyMode, type Mode } from './verdict.js';
