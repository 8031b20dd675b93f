/**
 * The gateway's stores: one interface per concept (types.ts), memory and file peers of each, and the
 * guard that turns any store failure into a 503 instead of a half-made decision.
 */
import { mkdirSync } from 'node:fs';
import { FileLedgerStore, MemoryLedgerStore } from '../ledger/index.js';
import { MemoryJtiClaimStore } from '../passport/index.js';
import { MemoryVaultStore } from '../vault/index.js';
import {
  FileApprovalStore,
  FileIdempotencyStore,
  FilePolicyStore,
  FileToolStore,
  stateFiles,
} from './file.js';
import { FileJtiClaimStore } from './file-jti.js';
import { FileVaultStore } from './file-vault.js';
import { FileLimitStore, MemoryLimitStore } from './limits.js';
import { MemoryApprovalStore, MemoryIdempotencyStore, MemoryPolicyStore, MemoryToolStore } from './memory.js';
import { lockStateDirectory } from './state-lock.js';
import { FileSuspensionStore, MemorySuspensionStore } from './suspensions.js';
import type { GatewayStores } from './types.js';

export * from './errors.js';
export {
  FileApprovalStore,
  FileIdempotencyStore,
  FilePolicyStore,
  FileToolStore,
  stateFiles,
} from './file.js';
export { FileJtiClaimStore } from './file-jti.js';
export { FileVaultStore } from './file-vault.js';
export { guardStores } from './guard.js';
export { Journal, JournalCorruptError } from './journal.js';
export { FileLimitStore, MemoryLimitStore } from './limits.js';
export { MemoryApprovalStore, MemoryIdempotencyStore, MemoryPolicyStore, MemoryToolStore } from './memory.js';
export {
  type LockHolder,
  lockStateDirectory,
  StateDirectoryLockedError,
  type StateLock,
} from './state-lock.js';
export { FileSuspensionStore, MemorySuspensionStore } from './suspensions.js';
export type * from './types.js';

/** The stores of a `GatewayStores` set. */
export const GATEWAY_STORE_NAMES = [
  'ledger',
  'jti',
  'vault',
  'approvals',
  'idempotency',
  'tools',
  'policies',
  'suspensions',
  'limits',
] as const;

export interface StoreClockOptions {
  /** Epoch milliseconds; the ledger stamps events with it. */
  nowMs?: () => number;
}

export function createMemoryStores(options: StoreClockOptions = {}): GatewayStores {
  const nowMs = options.nowMs ?? Date.now;
  return {
    ledger: new MemoryLedgerStore({ clock: () => new Date(nowMs()) }),
    jti: new MemoryJtiClaimStore(),
    vault: new MemoryVaultStore(),
    approvals: new MemoryApprovalStore(),
    idempotency: new MemoryIdempotencyStore(),
    tools: new MemoryToolStore(),
    policies: new MemoryPolicyStore(),
    suspensions: new MemorySuspensionStore(),
    limits: new MemoryLimitStore(nowMs),
  };
}

/**
 * Everything under one directory (what `actpass dev --dir` uses). One process per directory: this
 * takes the directory's lock first and throws `StateDirectoryLockedError`, naming the holder, when
 * another live process has it. Closing the ledger store (the gateway's `close()`) releases it.
 */
export function createFileStores(dir: string, options: StoreClockOptions = {}): GatewayStores {
  const nowMs = options.nowMs ?? Date.now;
  const files = stateFiles(dir);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const lock = lockStateDirectory(dir, () => new Date(nowMs()));
  return {
    ledger: new FileLedgerStore(files.ledger, { clock: () => new Date(nowMs()), lock }),
    jti: new FileJtiClaimStore(files.jti, () => nowMs() / 1000),
    vault: new FileVaultStore(files.vault),
    approvals: new FileApprovalStore(files.approvals),
    idempotency: new FileIdempotencyStore(files.idempotency, nowMs),
    tools: new FileToolStore(files.tools),
    policies: new FilePolicyStore(files.policies),
    suspensions: new FileSuspensionStore(files.suspensions),
    limits: new FileLimitStore(files.limits, nowMs),
  };
}
