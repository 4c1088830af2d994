import { endpointToken } from '../redact';
import { UsageError } from '../errors';
import type { FlowDefinition } from '../domain/flow';

/**
 * Flow files (`--out`, backups) go into version control and folders people share, so
 * they never hold the Cognigy URL token: it is written as this placeholder, and put back
 * from the current setup when a file is run (`test-chat --flow-file`) or restored.
 */
export const TOKEN_PLACEHOLDER = '$COGNIGY_URL_TOKEN';

export function hideEndpointToken(definition: FlowDefinition, endpointUrl?: string): FlowDefinition {
  // A deployed loop may still call an earlier endpoint (the setup's URL changed since): its
  // token is as secret as the current one. Restoring fills in the current setup's token.
  const tokens = new Set([endpointUrl, ...loopEndpointUrls(definition)].map((url) => (url ? endpointToken(url) : undefined)));
  let text = JSON.stringify(definition);
  let changed = false;
  for (const token of tokens) {
    if (!token || token.length < 8 || !text.includes(token)) continue;
    text = text.split(token).join(TOKEN_PLACEHOLDER);
    changed = true;
  }
  return changed ? (JSON.parse(text) as FlowDefinition) : definition;
}

/** The URLs of the bot loop's HTTP widgets (`ProcessUserInput`, `ProcessUserInput_2`…). */
export function loopEndpointUrls(definition: FlowDefinition | undefined): string[] {
  const states = Array.isArray(definition?.states) ? definition.states : [];
  return states
    .filter((s) => s?.type === 'make-http-request' && /^ProcessUserInput(_\d+)?$/.test(String(s.name)) && typeof s.properties?.url === 'string')
    .map((s) => s.properties.url as string)
    .filter((url) => !url.includes(TOKEN_PLACEHOLDER));
}

export function hasTokenPlaceholder(definition: unknown): boolean {
  return JSON.stringify(definition).includes(TOKEN_PLACEHOLDER);
}

export function revealEndpointToken(definition: FlowDefinition, endpointUrl?: string): FlowDefinition {
  if (!hasTokenPlaceholder(definition)) return definition;
  const token = endpointUrl ? endpointToken(endpointUrl) : undefined;
  if (!token) {
    throw new UsageError(
      `The flow file holds ${TOKEN_PLACEHOLDER} in place of the Cognigy URL token.`,
      'Pass --endpoint-url (or set COGNIGY_ENDPOINT_URL, or run cognigy:init) so it can be filled in.',
    );
  }
  return JSON.parse(JSON.stringify(definition).split(TOKEN_PLACEHOLDER).join(token)) as FlowDefinition;
}
