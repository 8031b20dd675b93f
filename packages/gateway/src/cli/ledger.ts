/** `actpass ledger verify EXPORT --jwks FILE`: offline verification of a signed evidence export. */
import { verifyExport } from '../ledger/index.js';
import type { Jwks } from '../passport/index.js';
import { parseCommandArgs } from './args.js';
import { EXIT_OK, EXIT_PROBLEMS, UsageError } from './errors.js';
import { type Output, readJsonFile } from './io.js';

export function ledgerVerify(argv: string[], io: Output): number {
  const { positionals, flags } = parseCommandArgs('ledger verify', argv, { jwks: { type: 'string' } }, 1);
  const exportFile = positionals[0];
  if (!exportFile)
    throw new UsageError('ledger verify: give the EXPORT file (from GET /api/v1/evidence/export).');
  if (typeof flags.jwks !== 'string') {
    throw new UsageError(
      'ledger verify: --jwks FILE is required (save GET /.well-known/jwks.json to a file).',
    );
  }
  const exported = readJsonFile(exportFile, 'export file');
  const jwks = readJsonFile(flags.jwks, 'JWKS file') as Jwks;
  if (!Array.isArray((jwks as { keys?: unknown })?.keys)) {
    throw new UsageError(`${flags.jwks}: not a JWKS ({"keys": [...]}); save /.well-known/jwks.json.`);
  }
  const result = verifyExport(exported, jwks);
  if (result.ok) {
    io.out(`${exportFile}: ok, ${result.head.seq} events, head ${result.head.hash}`);
    return EXIT_OK;
  }
  const at = result.first_broken_seq !== undefined ? ` at seq ${result.first_broken_seq}` : '';
  io.out(`${exportFile}: FAILED${at}: ${result.reason} (${result.message})`);
  return EXIT_PROBLEMS;
}
