/** Which Flex messaging model the customer's channel uses. */
export type ChannelModel = 'conversations' | 'legacy';

/** What the flow does when the bot's HTTP call fails (4xx/5xx, time-out, network). */
export type BotFailureAction = 'escalate' | 'end';

/** How the flow's HTTP widget sends the bot call: form parameters or a JSON body. */
export type RequestFormat = 'form' | 'json';

export const REQUEST_FORMATS: readonly RequestFormat[] = ['form', 'json'];
export const CHANNEL_MODELS: readonly ChannelModel[] = ['conversations', 'legacy'];
export const BOT_FAILURE_ACTIONS: readonly BotFailureAction[] = ['escalate', 'end'];
export const DEFAULT_ESCALATION_KEY = 'escalation';
export const DEFAULT_FLOW_NAME = 'Cognigy Bot Flow';

/** A Twilio resource chosen during init: its SID and, for display, its name. */
export interface NamedResource {
  sid: string;
  name: string;
}

/** How output names a resource: `"Assign to Anyone" (WW…)` where its name is known, else its SID. */
export function nameAndSid(r: { sid: string; name?: string }): string {
  return r.name && r.name !== r.sid ? `"${r.name}" (${r.sid})` : r.sid;
}

/**
 * What `cognigy:init` decides, saved per Twilio account (and profile), and what every
 * other command reads. Every field can be overridden by a flag.
 */
export interface Setup {
  /** The Cognigy REST endpoint URL. A secret: its last path segment is the URL token. */
  endpointUrl: string;
  /** Send to the endpoint's `/test/<token>` path (Cognigy test mode). */
  testMode: boolean;
  workspace?: NamedResource;
  workflow?: NamedResource;
  /** `name` is the task channel's unique name (`chat`, `sms`…). */
  taskChannel?: NamedResource;
  /** The Studio flow link-flow creates or patches; `sid` is absent until it exists. */
  flow: { sid?: string; name: string };
  channelModel: ChannelModel;
  escalationKey: string;
  onBotFailure: BotFailureAction;
  /** How the flow sends the bot call; absent in setups saved before it existed (form). */
  requestFormat?: RequestFormat;
}

/** The flow a command works on; `mustExist` when the user named an existing flow. */
export interface FlowTarget {
  sid?: string;
  name: string;
  mustExist: boolean;
}

/** A setup as one command runs with it: the saved one under the command's flags. */
export interface ResolvedSetup extends Setup {
  flowTarget: FlowTarget;
}
