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
import { visible } from '@actpass/edge/inspect';
import {
  checkTools,
  inspectListing,
  lockTools,
  readLock,
  type ToolFinding,
  ToolListingError,
} from '../tools/index.js';

const DEFAULT_LOCK = 'actpass.lock';

type ListingFindings = ReturnType<typeof inspectListing>;

const highOnly = (found: ListingFindings): ListingFindings =>
  found
    .map(({ name, findings }) => ({ name, findings: findings.filter((f) => f.severity === 'high') }))
    .filter((t) => t.findings.length > 0);

/**
 * Every finding, one line each, in words a reviewer can act on. Tool names and field paths come from
 * a server: escaped like everything else (`visible`), so no invisible character reaches the terminal.
 */
function printFindings(found: ListingFindings, io: Output): void {
  for (const { name, findings } of found) {
    io.out(`findings: ${visible(name)}`);
    for (const f of findings)
      io.out(`  ${f.severity.padEnd(6)} ${f.code} in ${visible(f.field)}: ${findingText(f)}`);
  }
}

function findingText(f: ToolFinding): string {
  return f.excerpt && f.excerpt !== f.decoded ? `${f.decoded} (in: ${f.excerpt})` : f.decoded;
}

/** `safeJson`, with tag, zero-width and bidi characters also written as JSON escapes. */
function json(value: unknown): string {
  const asJsonEscapes = (char: string) =>
    Array.from(
      { length: char.length },
      (_, i) => `\\u${char.charCodeAt(i).toString(16).padStart(4, '0')}`,
    ).join('');
  return safeJson(value).replace(/[^\x20-\x7e\n]/gu, (char) =>
    visible(char) === char ? char : asJsonEscapes(char),
  );
}

export function toolsLock(argv: string[], io: Output): number {
  const { positionals, flags } = parseCommandArgs(
    'tools lock',
    argv,
    { out: { type: 'string' }, json: { type: 'boolean' }, 'acknowledge-findings': { type: 'boolean' } },
    1,
  );
  const listingFile = positionals[0];
  const out = typeof flags.out === 'string' ? flags.out : DEFAULT_LOCK;
  const listing = readJsonFile(listingFile, 'tool listing');
  // Inspected before anything else, so a lookalike name is shown even when the listing is refused.
  const found = inspectListing(listing);
  const held = highOnly(found);
  const acknowledged = flags['acknowledge-findings'] === true;
  if (!flags.json) printFindings(found, io);
  const lock = naming(listingFile, () => lockTools(listing));
  if (held.length > 0 && !acknowledged) {
    const names = held.map((t) => visible(t.name));
    if (flags.json) io.out(json({ lock_file: null, held: names, findings: found }));
    else
      io.out(
        `${listingFile}: not locked; ${held.length} tool(s) have high findings (${names.join(', ')}); review them, then run \`actpass tools lock --acknowledge-findings\` to pin them as they are`,
      );
    return EXIT_PROBLEMS;
  }
  for (const { name } of held) {
    const entry = lock.tools[name];
    if (entry) entry.findings_acknowledged = true;
  }
  writeFileSync(out, `${JSON.stringify(lock, null, 2)}\n`);
  if (flags.json)
    io.out(
      json({
        lock_file: out,
        tools: Object.keys(lock.tools),
        ...(found.length > 0 ? { findings: found } : {}),
      }),
    );
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
  // Inspected and printed first, so a lookalike name is shown even when the listing is refused.
  const found = inspectListing(listing);
  if (!flags.json) printFindings(found, io);
  const lock = naming(lockFile, () => readLock(readJsonFile(lockFile, 'lock file')));
  const result = naming(listingFile, () => checkTools(lock, listing));
  // A high finding fails the check unless the lock pins that very definition as acknowledged.
  const current = lockTools(listing).tools;
  const suspicious = highOnly(found).filter(({ name }) => {
    const pinned = lock.tools[name];
    return !(pinned?.findings_acknowledged === true && pinned.hash === current[name]?.hash);
  });
  const ok = result.ok && suspicious.length === 0;
  if (flags.json) {
    io.out(
      json({
        listing: listingFile,
        lock_file: lockFile,
        ...result,
        ok,
        suspicious: suspicious.map((t) => t.name),
        findings: found,
      }),
    );
    return ok ? EXIT_OK : EXIT_PROBLEMS;
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
  for (const { name } of suspicious)
    io.out(`suspicious: ${visible(name)} (high findings not acknowledged in ${lockFile})`);
  if (ok) {
    io.out(`${listingFile}: matches ${lockFile}`);
    return EXIT_OK;
  }
  if (result.ok) {
    io.out(
      `${listingFile}: matches ${lockFile} but has unacknowledged high findings; review them, then run \`actpass tools lock --acknowledge-findings\``,
    );
    return EXIT_PROBLEMS;
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
