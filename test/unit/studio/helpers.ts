import * as fs from 'fs';
import * as path from 'path';
import type { BuildOptions } from '../../../src/lib/studio';
import type { FlowDefinition, WidgetState } from '../../../src/lib/domain/flow';

export const TOKEN = '7f3c9a1e5b2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a1c3e5b7d9f2a4c6e8b0d1f3a';
export const ENDPOINT = `https://endpoint-trial.cognigy.ai/${TOKEN}`;
export const WORKFLOW = 'WW0a1b2c3d4e5f60718293a4b5c6d7e8f9';
export const TASK_CHANNEL = 'TC9f8e7d6c5b4a39281706f5e4d3c2b1a0';

export function options(overrides: Partial<BuildOptions> = {}): BuildOptions {
  return {
    endpointUrl: ENDPOINT,
    channelModel: 'conversations',
    escalationKey: 'escalation',
    onBotFailure: 'escalate',
    workflowSid: WORKFLOW,
    taskChannelSid: TASK_CHANNEL,
    ...overrides,
  };
}

export const FIXTURES = ['flex-messaging-flow.json', 'voice-and-messaging.json', 'both-triggers.json', 'conversations-flow.json'];

export function fixture(name: string): FlowDefinition {
  return JSON.parse(fs.readFileSync(path.join(__dirname, '../../fixtures/flows', name), 'utf8')) as FlowDefinition;
}

export function state(def: FlowDefinition, name: string): WidgetState {
  const found = def.states.find((s) => s.name === name);
  if (!found) throw new Error(`no widget ${name}`);
  return found;
}

export function nextOf(s: WidgetState, event: string): string | undefined {
  return s.transitions.find((t) => t.event === event)?.next;
}
