import { MisconfiguredError } from '../core/errors.js';
import { likelyMeant, nearest, quoted } from './suggest.js';

/** Every option `new ActPass()` and `withOptions()` accept; anything else is a typo and throws. */
export const CLIENT_OPTION_NAMES = [
  'apiKey',
  'tenantId',
  'agentId',
  'baseUrl',
  'mode',
  'timeoutMs',
  'maxRetries',
  'deadlineMs',
  'maxResponseBytes',
  'fetch',
  'logger',
  'logLevel',
  'defaultHeaders',
  'sleep',
  'random',
  'now',
  'recordOutcomes',
] as const;

/** Other SDKs' spellings, taken as ours (openai's `baseURL`). */
const ALIASES: Record<string, (typeof CLIENT_OPTION_NAMES)[number]> = { baseURL: 'baseUrl' };

export const MODES = ['enforce', 'monitor', 'warn', 'strict'] as const;

/**
 * Plain JavaScript passes anything: an option the client does not know would be silently ignored
 * (`baseURL` → the call goes to the default gateway). Unknown names throw, naming the likely one.
 */
export function checkedOptions<T extends object>(options: T): T {
  if (typeof options !== 'object' || options === null) {
    throw new MisconfiguredError('the client options must be an object', {
      fix: "Pass an object: new ActPass({ apiKey, tenantId: 'acme', agentId: 'support_agent' }).",
    });
  }
  const out: Record<string, unknown> = {};
  const known: readonly string[] = CLIENT_OPTION_NAMES;
  for (const [name, value] of Object.entries(options)) {
    const canonical = ALIASES[name] ?? name;
    if (!known.includes(canonical)) {
      const meant = likelyMeant(name, known);
      throw new MisconfiguredError(
        `unknown client option ${quoted(name)}${meant ? `: did you mean "${meant}"?` : ''}`,
        { fix: `Use one of the client options: ${known.join(', ')}.` },
      );
    }
    if (canonical !== name && value !== undefined) {
      const given = (options as Record<string, unknown>)[canonical];
      if (given !== undefined && given !== value) {
        throw new MisconfiguredError(`both ${canonical} and its alias ${name} are set, to different values`, {
          fix: `Set only ${canonical}.`,
        });
      }
      out[canonical] = value;
    } else if (!(canonical in out) || value !== undefined) {
      out[canonical] = value;
    }
  }
  return out as T;
}

/** A mode named in options, checked when the client is made: the bad value and the nearest good one. */
export function checkedMode(mode: unknown, where: string): void {
  if (mode === undefined || (MODES as readonly unknown[]).includes(mode)) return;
  const suggestion = typeof mode === 'string' ? nearest(mode, MODES) : 'enforce';
  throw new MisconfiguredError(`unknown mode ${quoted(mode)}: did you mean "${suggestion}"?`, {
    fix: `Set ${where} to one of ${MODES.join(', ')}.`,
  });
}
