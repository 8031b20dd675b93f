import type { OperationSpec } from '../types.js';
import {
  approveTool,
  deleteCredential,
  getPolicy,
  listCredentials,
  listTools,
  putCredential,
  putPolicy,
} from './admin.js';
import { approveApproval, denyApproval, getApproval, listApprovals } from './approvals.js';
import { exportEvidenceOperation, listEvidence, recordEvidence, verifyEvidence } from './evidence.js';
import { health, readiness } from './health.js';
import { issuePassportOperation, revokePassportOperation, verifyPassportOperation } from './passports.js';
import { preflight } from './preflight.js';
import { rolloutReportOperation } from './rollout-report.js';
import { claimSession, finishOidcSignIn, listSignInProviders, signOut, startOidcSignIn } from './sign-in.js';
import { simulatePolicyOperation } from './simulate-policy.js';
import { createSuspension, getSuspension, listSuspensions, resumeSuspension } from './suspensions.js';
import {
  deleteWebhook,
  getWebhook,
  listWebhookDeliveries,
  listWebhooks,
  putWebhook,
  retryWebhookDelivery,
} from './webhooks.js';
import { whoami } from './whoami.js';

const jwks: OperationSpec = {
  roles: null,
  async run(context) {
    return { status: 200, body: context.services.keyset.jwks() };
  },
};

/** Keyed by the contract's operationId; the router refuses to start if one is missing. */
export const OPERATIONS: Readonly<Record<string, OperationSpec>> = {
  preflight,
  issuePassport: issuePassportOperation,
  verifyPassport: verifyPassportOperation,
  revokePassport: revokePassportOperation,
  listApprovals,
  getApproval,
  approveApproval,
  denyApproval,
  recordEvidence,
  listEvidence,
  verifyEvidence,
  exportEvidence: exportEvidenceOperation,
  listTools,
  approveTool,
  listCredentials,
  putCredential,
  deleteCredential,
  getPolicy,
  putPolicy,
  whoami,
  rolloutReport: rolloutReportOperation,
  simulatePolicy: simulatePolicyOperation,
  listSignInProviders,
  startOidcSignIn,
  finishOidcSignIn,
  claimSession,
  signOut,
  createSuspension,
  listSuspensions,
  getSuspension,
  resumeSuspension,
  listWebhooks,
  getWebhook,
  putWebhook,
  deleteWebhook,
  listWebhookDeliveries,
  retryWebhookDelivery,
  getJwks: jwks,
  health,
  readiness,
};
