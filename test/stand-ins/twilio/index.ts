/**
 * A stateful fake of the Twilio REST APIs the plugin uses (Studio v2, TaskRouter v1,
 * Flex v1, Conversations v1, Programmable Chat v2), held to Twilio's own OpenAPI descriptions. See fake.ts.
 */
export {
  startTwilioFake,
  FAKE_ACCOUNT_SID,
  FAKE_AUTH_TOKEN,
  FAKE_API_KEY,
  FAKE_API_SECRET,
} from './fake';
export type { TwilioFake, TwilioFakeOptions, RecordedRequest, Violation } from './fake';
export { FaultInjector } from './faults';
export type { FaultRule, FaultKind } from './faults';
export { FakeState } from './state';
export type { SeededSids, FlowRecord, ExecutionRecord, TaskRecord, NewConversation } from './state';
export { SEEDED_PHONE_NUMBER, DEFAULT_MESSAGING_ATTRIBUTES } from './seed';
export type { Product } from './contract';
