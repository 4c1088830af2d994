import type { ResolvedSetup } from '../domain/setup';
import type { FlowDefinition } from '../domain/flow';
import type { LintIssue } from '../studio/lint';
import type { HttpTransport } from '../http/types';
import type { ChatSession } from './chat';
import type { RunOptions } from './run-options';

/** What the test-chat task prepares (tasks/test-chat.ts) and every way of chatting runs on. */
export interface PreparedChat {
  definition: FlowDefinition;
  setup: ResolvedSetup;
  /** Where the flow came from, for the banner and -o json (printers/test-chat.ts says it). */
  source: FlowSource;
  /** The bot endpoint, redacted; absent when the run calls only the URLs the flow holds (a flow file, a deployed flow). */
  endpoint?: string;
  http: HttpTransport;
  /** The customer's address of --message and the REPL. */
  from: string;
  /** What the run answers locally, and how executions start (see FlowSessionOptions). */
  run: RunOptions;
  /** Worth knowing before the first message (placeholder SIDs…): the banner and reports show them. */
  notes: PreparedNote[];
  /** Lint findings that do not stop the run (unmodelled widget types…): for stderr. */
  warnings: PreparedWarning[];
  /** `http`: another transport for this chat (a recording's). Views subscribe to `chat.conversation`. */
  newChat(from?: string, extra?: { http?: HttpTransport }): ChatSession;
  close(): Promise<void>;
}

/**
 * Where a flow test-chat runs comes from: a flow file, a deployed flow (its revision), the
 * flow link-flow builds from the setup (`demo`: against the embedded demo bot), or a
 * subflow a run-subflow widget starts.
 */
export type FlowSource =
  | { kind: 'flow-file'; file: string }
  | { kind: 'deployed'; name: string; sid: string; revision: number }
  | { kind: 'built'; demo: boolean }
  | { kind: 'subflow'; sid: string };

/** Worth knowing before the first message; printers/test-chat.ts says it. */
export type PreparedNote =
  /** The built flow hands over with placeholder SIDs (these), as no setup names the workflow and task channel. */
  { code: 'placeholder-sids'; workflow: string; taskChannel: string };

/** What the run cannot do as the flow stands, said once before it starts; printers/test-chat.ts says it. */
export type PreparedWarning =
  /** With --flow: the child flow `sid` could not be read from Twilio (`error`, its first line). */
  | { code: 'subflow-unreadable'; sid: string; error: string }
  /** A run-subflow widget's child flow is not loaded. */
  | { code: 'subflow-not-loaded'; widget: string; sid: string }
  /** A run-function widget exported without its URL, and nothing answers it. */
  | { code: 'function-without-url'; widget: string; functionSid: string }
  /** A widget type the interpreter does not model: a run that reaches it stops there. */
  | { code: 'unmodelled-type'; widget: string; type: string }
  /** A property Studio accepts and the run takes as Studio would (the lint's finding). */
  | { code: 'lenient-property'; issue: LintIssue }
  /** A deployed flow the lint finds wrong, which Studio accepted (the lint's finding). */
  | { code: 'studio-accepted'; issue: LintIssue };
