import { endpointToken } from '../redact';
import { UsageError } from '../errors';
import type { FlowDefinition } from './types';

/**
 * Flow files (`--out`, backups) go into version control and folders people share, so
 * they never hold the Cognigy URL token: it is written as this placeholder, and put back
 * from the current setup when a file is run (`test-chat --flow-file`) or restored.
 */
export const TOKEN_PLACEHOLDER = '$COGNIGY_URL_TOKEN';

export function hideEndpointToken(definition: FlowDefinition, endpointUrl?: string): FlowDefinition {
  const token = endpointUrl ? endpointToken(endpointUrl) : undefined;
  if (!token) return definition;
  const text = JSON.stringify(definition);
  return text.includes(token) ? (JSON.parse(text.split(token).join(TOKEN_PLACEHOLDER)) as FlowDefinition) : definition;
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
