import type { FlowDefinition } from '../domain/flow';
import type { OtherStartEvent } from '../runtime/flow';
import type { Stub } from '../runtime/stubs';

/** What every chat and scripted conversation of one test-chat run shares. */
export interface RunOptions {
  /** The Cognigy endpoint URL when known (a secret: never printed). */
  botEndpoint?: string;
  stubs: Stub[];
  subflows: ReadonlyMap<string, FlowDefinition>;
  functions: ReadonlyMap<string, string>;
  start?: OtherStartEvent;
  data: Record<string, string>;
}
