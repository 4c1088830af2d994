import { UsageError } from '../errors';
import { NamedResource } from '../domain/setup';
import type { AddressConfiguration, FlexFlow, FlowSummary, Resource } from '../twilio/api';

/** The part of the Twilio API discovery reads. */
export interface DiscoveryApi {
  listWorkspaces(): Promise<Resource[]>;
  listWorkflows(workspaceSid: string): Promise<Resource[]>;
  listTaskChannels(workspaceSid: string): Promise<Resource[]>;
  listFlows(): Promise<FlowSummary[]>;
  listAddressConfigurations(): Promise<AddressConfiguration[]>;
  listFlexFlows(): Promise<FlexFlow[]>;
}

/** Flex's own names for what a new Flex account has. */
export const FLEX_DEFAULTS = {
  workspace: 'Flex Task Assignment',
  workflow: 'Assign to Anyone',
  messagingFlow: 'Messaging Flow',
} as const;

const SID = /^[A-Z]{2}[0-9a-f]{32}$/;

export function looksLikeSid(value: string, prefix?: string): boolean {
  return SID.test(value) && (!prefix || value.startsWith(prefix));
}

/** What is wrong with a value given as a SID of `prefix`, in words; undefined when nothing. */
export function sidProblem(value: string, prefix: string): string | undefined {
  if (looksLikeSid(value, prefix)) return undefined;
  if (!value.startsWith(prefix)) return `it does not start with ${prefix}`;
  const rest = value.slice(prefix.length);
  if (!/^[0-9a-fA-F]*$/.test(rest)) return `after ${prefix} it has characters other than hex digits (0-9, a-f)`;
  if (rest.length !== 32) return `it has ${rest.length} hex digit${rest.length === 1 ? '' : 's'} after ${prefix}, not 32`;
  return 'its hex digits must be lower case';
}

/**
 * Find a resource by SID or by name (exact, then case-insensitive). A value that names
 * nothing is an error that lists what exists, so the user can copy the right one.
 */
export function matchResource(
  items: Resource[],
  value: string,
  what: { kind: string; flag: string; prefix: string },
): NamedResource {
  const found =
    items.find((i) => i.sid === value) ??
    items.find((i) => i.name === value) ??
    items.find((i) => i.name.toLowerCase() === value.toLowerCase());
  if (found) return { sid: found.sid, name: found.name };
  if (/^[A-Za-z]{2}[0-9a-fA-F]{32}$/.test(value) && !value.startsWith(what.prefix)) {
    throw new UsageError(
      `--${what.flag} "${value}" is not a ${what.kind} SID (those start with ${what.prefix}).`,
      describeChoices(items, what.kind),
    );
  }
  throw new UsageError(`No ${what.kind} "${value}" in this account.`, describeChoices(items, what.kind));
}

export function describeChoices(items: Resource[], kind: string): string {
  if (items.length === 0) return `There is no ${kind} in this account.`;
  const shown = items.slice(0, 10).map((i) => `"${i.name}" (${i.sid})`);
  const more = items.length > shown.length ? `, and ${items.length - shown.length} more` : '';
  return `Existing ${kind}s: ${shown.join(', ')}${more}.`;
}

/** The one item with the preferred name, else the only item, else nothing. */
export function preferredResource(items: Resource[], preferredNames: string[]): NamedResource | undefined {
  for (const name of preferredNames) {
    const found = items.find((i) => i.name === name);
    if (found) return { sid: found.sid, name: found.name };
  }
  return items.length === 1 ? { sid: items[0].sid, name: items[0].name } : undefined;
}

export interface EntryPoint {
  kind: 'conversations-address' | 'flex-flow';
  sid: string;
  address: string;
  channel: string;
  /** The Flex Flow's or address configuration's friendly name, when it has one. */
  name?: string;
  /** The Studio flow the entry point starts today, if it starts one (no name: a SID this account's flows do not hold). */
  flow?: { sid: string; name?: string };
}

/** Which flow each number or channel starts today, so init can show it. */
export function describeEntryPoints(
  addresses: AddressConfiguration[],
  flexFlows: FlexFlow[],
  flows: FlowSummary[],
): EntryPoint[] {
  const flowBySid = new Map(flows.map((f) => [f.sid, { sid: f.sid, name: f.name }]));
  const named = (sid?: string) => (sid ? flowBySid.get(sid) ?? { sid } : undefined);
  const points: EntryPoint[] = addresses.map((a) => ({
    kind: 'conversations-address',
    sid: a.sid,
    address: a.address,
    channel: a.type,
    name: a.friendlyName || undefined,
    flow:
      a.autoCreation?.type === 'studio' || a.autoCreation?.studioFlowSid
        ? named(a.autoCreation.studioFlowSid ?? a.autoCreation.studio_flow_sid)
        : undefined,
  }));
  for (const f of flexFlows) {
    points.push({
      kind: 'flex-flow',
      sid: f.sid,
      address: f.contactIdentity ?? '',
      channel: f.channelType,
      name: f.name || undefined,
      flow: f.integrationType === 'studio' ? named(f.flowSid) : undefined,
    });
  }
  return points;
}
