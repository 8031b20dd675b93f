/**
 * The facts of a Bash command line, from its parse: every command it would run is looked up in the
 * catalogue, and what cannot be reduced to known commands with literal arguments is `opaque`.
 */
import { loadShellParser } from '../shell/parser.js';
import { lookup } from './commands/index.js';
import { Findings } from './findings.js';
import { defaultHome, resolvedWorkspace } from './paths.js';
import type { ToolFacts } from './types.js';
import { gatewayHostsFrom } from './urls.js';

/** Longer command lines are not parsed (the parse is bounded); they are opaque. */
export const MAX_SHELL_COMMAND_BYTES = 64 * 1024;

export interface FactsEnvironment {
  env?: Record<string, string | undefined>;
}

export async function shellFacts(
  command: string,
  workspace: string,
  { env = process.env }: FactsEnvironment = {},
): Promise<ToolFacts> {
  if (Buffer.byteLength(command, 'utf8') > MAX_SHELL_COMMAND_BYTES) {
    return { commands: [], opaque: true, opaque_reasons: ['the command is longer than the hook parses'] };
  }
  const parser = await loadShellParser();
  const findings = new Findings({
    workspace: resolvedWorkspace(workspace),
    home: defaultHome(env),
    parser,
    lookup,
    gatewayHosts: gatewayHostsFrom(env),
  });
  try {
    findings.source(command);
  } catch {
    // A tree too deep for the walker's stack, or anything else unforeseen: never read as harmless.
    return { commands: [], opaque: true, opaque_reasons: ['the hook could not evaluate the command'] };
  }
  return findings.facts();
}
