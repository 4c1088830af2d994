import { UsageError } from '../errors';
import type { AddressConfiguration, FlexFlow } from '../twilio/api';
import { sidProblem } from './discovery';

/** The calls entry-point wiring makes. */
export interface WiringApi {
  listAddressConfigurations(): Promise<AddressConfiguration[]>;
  updateAddressConfiguration(sid: string, flowSid: string): Promise<AddressConfiguration>;
  fetchFlexFlow(sid: string): Promise<FlexFlow>;
  updateFlexFlow(sid: string, flowSid: string): Promise<FlexFlow>;
}

export interface WiringResult {
  kind: 'conversations-address' | 'flex-flow';
  sid: string;
  address: string;
  /** The Flex Flow's or address configuration's friendly name, for people. */
  name?: string;
  /** The Studio flow the entry point started before. */
  before?: string;
  after: string;
  action: 'unchanged' | 'updated' | 'would-update';
}

const normalise = (address: string) => address.replace(/[\s()-]/g, '').toLowerCase();

/**
 * Point a Conversations address configuration (a number, a WhatsApp sender…) at the
 * flow: AutoCreation on, type studio, this flow. No write when it already does.
 */
export async function wireAddress(api: WiringApi, address: string, flowSid: string, dryRun = false): Promise<WiringResult> {
  const all = await api.listAddressConfigurations();
  const wanted = normalise(address);
  const config =
    all.find((a) => a.sid === address) ??
    all.find((a) => normalise(a.address) === wanted) ??
    all.find((a) => normalise(a.address).replace(/^[a-z]+:/, '') === wanted.replace(/^[a-z]+:/, ''));
  if (!config) {
    const known = all.map((a) => `${a.address} [${a.type}] (${a.sid})`).join(', ') || 'none';
    throw new UsageError(
      `No Conversations address configuration for "${address}".`,
      `Existing ones: ${known}. Create it in the Console (Conversations > Addresses) or pass one of these.`,
    );
  }
  const before: string | undefined = config.autoCreation?.studioFlowSid ?? config.autoCreation?.studio_flow_sid;
  const already = config.autoCreation?.enabled !== false && config.autoCreation?.type === 'studio' && before === flowSid;
  const result: WiringResult = {
    kind: 'conversations-address',
    sid: config.sid,
    address: config.address,
    name: config.friendlyName || undefined,
    before,
    after: flowSid,
    action: 'unchanged',
  };
  if (already) return result;
  if (dryRun) return { ...result, action: 'would-update' };
  await api.updateAddressConfiguration(config.sid, flowSid);
  return { ...result, action: 'updated' };
}

/** Entry-point flags are checked before anything is read or written. */
export function checkEntryPoints(o: { address?: string; flexFlow?: string }): void {
  const problem = o.flexFlow === undefined ? undefined : sidProblem(o.flexFlow, 'FO');
  if (problem) {
    throw new UsageError(
      `--flex-flow "${o.flexFlow}" is not a Flex Flow SID: ${problem}.`,
      'A Flex Flow SID is FO and 32 hex digits; list them with: twilio api:flex:v1:flex-flows:list',
    );
  }
  if (o.address !== undefined && !o.address.trim()) {
    throw new UsageError('--address is empty.', 'Give the number or address, e.g. --address +15005550006 or --address whatsapp:+15005550006.');
  }
}

/** Point a legacy Flex Flow's Studio integration at the flow. */
export async function wireFlexFlow(api: WiringApi, flexFlowSid: string, flowSid: string, dryRun = false): Promise<WiringResult> {
  checkEntryPoints({ flexFlow: flexFlowSid });
  const flexFlow = await api.fetchFlexFlow(flexFlowSid);
  const before: string | undefined = flexFlow.flowSid;
  const result: WiringResult = {
    kind: 'flex-flow',
    sid: flexFlow.sid,
    address: flexFlow.contactIdentity ?? '',
    name: flexFlow.name || undefined,
    before,
    after: flowSid,
    action: 'unchanged',
  };
  if (flexFlow.integrationType === 'studio' && before === flowSid) return result;
  if (dryRun) return { ...result, action: 'would-update' };
  await api.updateFlexFlow(flexFlow.sid, flowSid);
  return { ...result, action: 'updated' };
}
