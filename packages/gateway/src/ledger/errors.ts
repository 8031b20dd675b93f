/** Ledger errors. None of them carries event data, only positions and reasons. */

/** The caller asked to append something that must not enter the ledger. */
export class LedgerInputError extends Error {
  override readonly name = 'LedgerInputError';
}

export type LedgerCorruptionKind = 'torn_tail' | 'bad_line' | 'broken_chain' | 'write_failed';

/**
 * The stored ledger cannot be trusted as-is. Reported, never repaired silently: a torn tail can be
 * moved aside with `FileLedgerStore.repairTornTail()`, every other kind needs an operator.
 */
export class LedgerCorruptError extends Error {
  override readonly name = 'LedgerCorruptError';
  constructor(
    readonly kind: LedgerCorruptionKind,
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`ledger ${file}, line ${line}: ${detail}`);
  }
}

/** Refusal to sign an export of a chain that does not verify. */
export class LedgerChainBrokenError extends Error {
  override readonly name = 'LedgerChainBrokenError';
  constructor(
    readonly first_broken_seq: number,
    readonly reason: string,
  ) {
    super(`ledger chain is broken at seq ${first_broken_seq} (${reason})`);
  }
}
