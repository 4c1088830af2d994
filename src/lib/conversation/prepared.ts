import type { ResolvedSetup } from '../domain/setup';
import type { FlowDefinition } from '../domain/flow';
import type { HttpTransport } from '../http/types';
import type { ChatSession } from './chat';
import type { RunOptions } from './run-options';

/** What the test-chat task prepares (tasks/test-chat.ts) and every way of chatting runs on. */
export interface PreparedChat {
  definition: FlowDefinition;
  setup: ResolvedSetup;
  /** Where the flow came from, for the banner and -o json. */
  source: string;
  /** The bot endpoint, redacted. */
  endpoint: string;
  http: HttpTransport;
  /** The customer's address of --message and the REPL. */
  from: string;
  /** What the run answers locally, and how executions start (see FlowSessionOptions). */
  run: RunOptions;
  /** Worth knowing before the first message (placeholder SIDs…): the banner and reports show them. */
  notes: string[];
  /** Lint findings that do not stop the run (unmodelled widget types…): for stderr. */
  warnings: string[];
  /** `http`: another transport for this chat (a recording's). Views subscribe to `chat.conversation`. */
  newChat(from?: string, extra?: { http?: HttpTransport }): ChatSession;
  close(): Promise<void>;
}
