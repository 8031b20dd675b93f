/** `actpass tools lock` and `actpass tools check`: pin tool definitions, fail CI on drift. */
import { writeFileSync } from 'node:fs';
import {
  clean,
  EXIT_OK,
  EXIT_PROBLEMS,
  type Output,
  parseCommandArgs,
  readJsonFile,
  safeJson,
  UsageError,
} from '@actpass/edge/cli';
import { checkTools, lockTools, readLock, ToolListingError } from '../tools/index.js';

const DEFAULT_LOCK = 'actpass.lock';

export function toolsLock(argv: string[], io: Output): number {
  const { positionals, flags } = parseCommandArgs(
    'tools lock',
    argv,
    { out: { type: 'string' }, json: { type: 'boolean' } },
    1,
  );
  const listingFile = positionals[0];
  const out = typeof flags.out === 'string' ? flags.out : DEFAULT_LOCK;
  const lock = naming(listingFile, () => lockTools(readJsonFile(listingFile, 'tool listing')));
  writeFileSync(out, `${JSON.stringify(lock, null, 2)}\n`);
  if (flags.json) io.out(safeJson({ lock_file: out, tools: Object.keys(lock.tools) }));
  else io.out(`${out}: locked ${Object.keys(lock.tools).length} tool(s)`);
  return EXIT_OK;
}

export function toolsCheck(argv: string[], io: Output): number {
  const { positionals, flags } = parseCommandArgs(
    'tools check',
    argv,
    { lock: { type: 'string' }, json: { type: 'boolean' } },
    1,
  );
  const listingFile = positionals[0];
  const lockFile = typeof flags.lock === 'string' ? flags.lock : DEFAULT_LOCK;
  const listing = readJsonFile(listingFile, 'tool listing');
  const lock = naming(lockFile, () => readLock(readJsonFile(lockFile, 'lock file')));
  const result = naming(listingFile, () => checkTools(lock, listing));
  if (flags.json) {
    io.out(safeJson({ listing: listingFile, lock_file: lockFile, ...result }));
    return result.ok ? EXIT_OK : EXIT_PROBLEMS;
  }
  // Tool names come from a server's listing: printed with control characters made visible.
  for (const tool of result.drifted) {
    io.out(
      `drifted: ${clean(tool.name)} (locked ${tool.locked.slice(0, 12)}…, now ${tool.current.slice(0, 12)}…)`,
    );
    if (!tool.fields) {
      io.out(
        `  (the lock predates per-field hashes: run \`actpass tools lock\` on the old listing to see what changed)`,
      );
    }
    for (const kind of ['changed', 'added', 'removed'] as const) {
      const paths = tool.fields?.[kind] ?? [];
      if (paths.length > 0)
        io.out(`  ${`${kind}:`.padEnd(8)} ${paths.map((path) => clean(path)).join(', ')}`);
    }
  }
  for (const name of result.added) io.out(`added:   ${clean(name)} (not in ${lockFile})`);
  for (const name of result.removed) io.out(`removed: ${clean(name)} (in ${lockFile}, not in the listing)`);
  if (result.ok) {
    io.out(`${listingFile}: matches ${lockFile}`);
    return EXIT_OK;
  }
  io.out(
    `${listingFile}: differs from ${lockFile}; review the changes, then run \`actpass tools lock\` to accept them`,
  );
  return EXIT_PROBLEMS;
}

/** Reports a listing or lock problem against the file it came from. */
function naming<T>(file: string | undefined, run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (!(error instanceof ToolListingError)) throw error;
    throw new UsageError(`${file}: ${error.message}`);
  }
}
