export * from '../constants.js';
export { type CustomEvidenceProblem, customEvidenceProblem } from './custom-evidence.js';
export {
  LedgerChainBrokenError,
  LedgerCorruptError,
  type LedgerCorruptionKind,
  LedgerInputError,
} from './errors.js';
export {
  type AppendInput,
  canonicalEventText,
  checkAppendInput,
  hashEvent,
  type LedgerEvent,
  type LedgerHead,
  newEventId,
  nextEvent,
  sealEvent,
  type UnsealedEvent,
} from './event.js';
export {
  type EvidenceExport,
  type ExportFailureReason,
  exportEvidence,
  type VerifyExportResult,
  verifyExport,
} from './export.js';
export {
  FileLedgerStore,
  type FileLedgerStoreOptions,
  parseLedgerFile,
  type TornTailRepair,
} from './file-store.js';
export {
  type EvidenceFilter,
  eventAgentId,
  eventTool,
  hasFilter,
  matchesFilter,
  typeMatcher,
} from './filter.js';
export { LEDGER_LOCK_FILE, LedgerLockedError } from './lock.js';
export { MemoryLedgerStore } from './memory-store.js';
export type { LedgerStore, LedgerStoreOptions, ListOptions } from './store.js';
export { findEvent } from './store.js';
export {
  type ChainBreak,
  type ChainBreakReason,
  ChainVerifier,
  type VerifyChainOptions,
  type VerifyChainResult,
  verifyChain,
  verifyStoredChain,
} from './verify.js';
export {
  type EventWriter,
  GATEWAY_WRITER,
  stampingWriter,
  WRITTEN_BY,
  writingAs,
} from './writer.js';
