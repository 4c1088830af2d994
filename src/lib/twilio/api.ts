/**
 * The Twilio calls the plugin makes, over the official `twilio` library. Commands and
 * library parts depend on this interface, not on the library, so discovery, deploy and
 * escalation are tested against the OpenAPI-validated fake through the same code path.
 */
export interface Resource {
  sid: string;
  name: string;
}

export interface FlowSummary extends Resource {
  status: string;
  revision: number;
}

export interface FlowDetails extends FlowSummary {
  definition: unknown;
  valid: boolean;
  webhookUrl?: string;
  commitMessage?: string | null;
}

export interface AddressConfiguration {
  sid: string;
  type: string;
  address: string;
  friendlyName?: string | null;
  autoCreation: Record<string, any>;
}

export interface FlexFlow {
  sid: string;
  name: string;
  channelType: string;
  contactIdentity?: string | null;
  integrationType?: string | null;
  integration: Record<string, any>;
  enabled: boolean;
}

export interface ValidationOutcome {
  valid: boolean;
  errors: { message: string; property?: string }[];
  message?: string;
}

/** The `twilio` library client, built by cli-core with the plugin's HTTP client. */
export type TwilioLibraryClient = any;

export class TwilioApi {
  constructor(private readonly client: TwilioLibraryClient) {}

  get accountSid(): string {
    return this.client.accountSid;
  }

  get library(): TwilioLibraryClient {
    return this.client;
  }

  async listWorkspaces(): Promise<Resource[]> {
    const items = await this.client.taskrouter.v1.workspaces.list({ pageSize: 50 });
    return items.map((w: any) => ({ sid: w.sid, name: w.friendlyName }));
  }

  async listWorkflows(workspaceSid: string): Promise<Resource[]> {
    const items = await this.client.taskrouter.v1.workspaces(workspaceSid).workflows.list({ pageSize: 50 });
    return items.map((w: any) => ({ sid: w.sid, name: w.friendlyName }));
  }

  /** Task channels, named by their unique name (`chat`, `sms`…). */
  async listTaskChannels(workspaceSid: string): Promise<Resource[]> {
    const items = await this.client.taskrouter.v1.workspaces(workspaceSid).taskChannels.list({ pageSize: 50 });
    return items.map((c: any) => ({ sid: c.sid, name: c.uniqueName }));
  }

  async listFlows(): Promise<FlowSummary[]> {
    const items = await this.client.studio.v2.flows.list({ pageSize: 50 });
    return items.map((f: any) => ({ sid: f.sid, name: f.friendlyName, status: f.status, revision: f.revision }));
  }

  async fetchFlow(sid: string): Promise<FlowDetails> {
    const f = await this.client.studio.v2.flows(sid).fetch();
    return toFlowDetails(f);
  }

  /** Studio's own check. Answers the failures instead of throwing on code 81022. */
  async validateFlow(name: string, status: string, definition: unknown): Promise<ValidationOutcome> {
    try {
      await this.client.studio.v2.flowValidate.update({ friendlyName: name, status, definition });
      return { valid: true, errors: [] };
    } catch (error: any) {
      const code = error?.exitCode ?? error?.code;
      if (String(code) !== '81022') throw error;
      const details = error?.data?.details ?? error?.details;
      const errors = Array.isArray(details?.errors) ? details.errors : [];
      return {
        valid: false,
        errors: errors.map((e: any) => ({ message: String(e.message ?? e), property: e.property_path ?? e.propertyPath })),
        message: error?.data?.message ?? error.message,
      };
    }
  }

  async createFlow(o: { name: string; status: string; definition: unknown; commitMessage?: string }): Promise<FlowDetails> {
    const f = await this.client.studio.v2.flows.create({
      friendlyName: o.name,
      status: o.status,
      definition: o.definition,
      ...(o.commitMessage ? { commitMessage: o.commitMessage } : {}),
    });
    return toFlowDetails(f);
  }

  async updateFlow(sid: string, o: { name?: string; status: string; definition: unknown; commitMessage?: string }): Promise<FlowDetails> {
    const f = await this.client.studio.v2.flows(sid).update({
      status: o.status,
      definition: o.definition,
      ...(o.name ? { friendlyName: o.name } : {}),
      ...(o.commitMessage ? { commitMessage: o.commitMessage } : {}),
    });
    return toFlowDetails(f);
  }

  async updateAddressConfiguration(sid: string, flowSid: string): Promise<AddressConfiguration> {
    const a = await this.client.conversations.v1.addressConfigurations(sid).update({
      'autoCreation.enabled': true,
      'autoCreation.type': 'studio',
      'autoCreation.studioFlowSid': flowSid,
    });
    return { sid: a.sid, type: a.type, address: a.address, friendlyName: a.friendlyName, autoCreation: a.autoCreation ?? {} };
  }

  async fetchFlexFlow(sid: string): Promise<FlexFlow> {
    return toFlexFlow(await this.client.flexApi.v1.flexFlow(sid).fetch());
  }

  async updateFlexFlow(sid: string, flowSid: string): Promise<FlexFlow> {
    return toFlexFlow(
      await this.client.flexApi.v1.flexFlow(sid).update({ integrationType: 'studio', 'integration.flowSid': flowSid }),
    );
  }

  async listAddressConfigurations(): Promise<AddressConfiguration[]> {
    const items = await this.client.conversations.v1.addressConfigurations.list({ pageSize: 50 });
    return items.map((a: any) => ({
      sid: a.sid,
      type: a.type,
      address: a.address,
      friendlyName: a.friendlyName,
      autoCreation: a.autoCreation ?? {},
    }));
  }

  async listFlexFlows(): Promise<FlexFlow[]> {
    const items = await this.client.flexApi.v1.flexFlow.list({ pageSize: 50 });
    return items.map(toFlexFlow);
  }
}

function toFlexFlow(f: any): FlexFlow {
  return {
    sid: f.sid,
    name: f.friendlyName,
    channelType: f.channelType,
    contactIdentity: f.contactIdentity,
    integrationType: f.integrationType,
    integration: f.integration ?? {},
    enabled: f.enabled,
  };
}

export function toFlowDetails(f: any): FlowDetails {
  return {
    sid: f.sid,
    name: f.friendlyName,
    status: f.status,
    revision: f.revision,
    definition: f.definition,
    valid: f.valid,
    webhookUrl: f.webhookUrl,
    commitMessage: f.commitMessage,
  };
}
