import { spawn } from 'node:child_process';
import { isModelledType } from '../domain/widgets';
import { flowCanvas } from '../studio/canvas';
import { flowSvg } from '../../printers/flow-svg';
import { replSessions } from '../conversation/repl-record';
import type { ChatSession } from '../conversation/chat';
import type { PreparedChat } from '../conversation/prepared';
import { LiveChat } from './live-chat';
import { startWebServer, type WebServer } from './server';

export interface WebViewOptions {
  /** `--record FILE`: the bot's answers go into the recording, as in the REPL. */
  record?: string;
  banner: string[];
  describeEscalate?: (chat: ChatSession) => string;
  /** Open the system's browser on the page. */
  open: boolean;
  /** Where the page's "save as test" writes. */
  cwd: string;
  /** Told the URL once the server listens. */
  ready: (url: string, opened: boolean) => void;
  /** Resolves when the view should stop (Ctrl-C). */
  stopped: Promise<unknown>;
}

/** `test-chat --web`: the local page over the REPL's chat, until `stopped`. */
export async function runWebView(prepared: PreparedChat, o: WebViewOptions): Promise<void> {
  const sessions = replSessions(prepared, { record: o.record });
  const chat = new LiveChat(prepared, { sessions, describeEscalate: o.describeEscalate, cwd: o.cwd });
  let server: WebServer | undefined;
  try {
    server = await startWebServer({
      chat,
      banner: o.banner,
      svg: flowSvg(flowCanvas(prepared.definition)),
      unmodelled: prepared.definition.states.filter((s) => !isModelledType(s.type)).map((s) => s.name),
    });
    o.ready(server.url, o.open && openBrowser(server.url));
    await o.stopped;
  } finally {
    await server?.close();
    sessions.close();
  }
}

/** The system's browser on `url`; false when there is none to start. */
function openBrowser(url: string): boolean {
  const [command, args] =
    process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '', url]] : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
