import { MisconfiguredError } from '../core/errors.js';

/** Dot-separated segments of `[A-Za-z0-9_-]+`; the contract caps the whole at 256. */
const TOOL_NAME = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;
const MAX_TOOL_NAME = 256;

/** The ActPass tool name for a framework tool: `tool` as given, else mapped from the framework's name. */
export type ToolNameOption = string | ((frameworkName: string) => string);

export function isToolName(name: unknown): name is string {
  return typeof name === 'string' && name.length <= MAX_TOOL_NAME && TOOL_NAME.test(name);
}

/**
 * Resolves and checks the ActPass tool name. A name the gateway would refuse is a configuration
 * mistake, reported when the tool is wrapped rather than as a denial on every call.
 */
export function toolName(option: ToolNameOption | undefined, frameworkName: string): string {
  const name = typeof option === 'function' ? option(frameworkName) : (option ?? frameworkName);
  if (isToolName(name)) return name;
  const shown = JSON.stringify(String(name).slice(0, 80));
  const from =
    option === undefined ? `the framework's tool name ${shown}` : `options.tool gave ${shown}, which`;
  throw new MisconfiguredError(
    `${from} is not an ActPass tool name (dot-separated segments of A-Z a-z 0-9 _ -, at most ${MAX_TOOL_NAME} characters): set options.tool, e.g. "stripe.refund.create"`,
  );
}
