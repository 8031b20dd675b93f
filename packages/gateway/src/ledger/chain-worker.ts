/**
 * A worker thread's part of verifying a ledger file (see verify-file-text.ts): it checks one slice of
 * lines and posts the report. Anything it throws reaches the parent as an error, which fails the
 * verification.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { verifyLineSlice } from './verify-lines.js';

const { text, tenantId } = workerData as { text: string; tenantId?: string };
parentPort?.postMessage(verifyLineSlice(text, tenantId));
