/**
 * Webhooks from a JSON file (`actpass dev --webhooks FILE`):
 * `{"consoleUrl": "https://…/console/", "endpoints": [{"id", "tenantId", "url", "events", "format", "secret"}]}`.
 * The file holds secrets, so keep it out of version control and readable by the gateway's user only.
 */
import { readFileSync } from 'node:fs';
import type { WebhookEndpointConfig } from './endpoint.js';
import type { WebhooksConfig } from './wire.js';

export class WebhooksFileError extends Error {
  override readonly name = 'WebhooksFileError';
}

export function readWebhooksFile(file: string): WebhooksConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new WebhooksFileError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new WebhooksFileError(
      `${file} is not JSON; expected {"endpoints": [...], "consoleUrl"?: "https://…"}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new WebhooksFileError(
      `${file}: expected an object {"endpoints": [...], "consoleUrl"?: "https://…"}`,
    );
  }
  const { endpoints, consoleUrl, ...rest } = parsed as Record<string, unknown>;
  const unknown = Object.keys(rest);
  if (unknown.length > 0) throw new WebhooksFileError(`${file}: unknown field ${unknown[0]}; remove it`);
  if (!Array.isArray(endpoints))
    throw new WebhooksFileError(`${file}: endpoints must be an array of endpoints`);
  if (consoleUrl !== undefined && typeof consoleUrl !== 'string') {
    throw new WebhooksFileError(`${file}: consoleUrl must be the console's public URL, a string`);
  }
  return {
    endpoints: endpoints as WebhookEndpointConfig[],
    ...(typeof consoleUrl === 'string' ? { consoleUrl } : {}),
  };
}
