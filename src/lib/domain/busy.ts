import type { RequestFormat } from './setup';

/**
 * A long operation the library is about to wait on, as data: the command shows it (a
 * spinner on a terminal, a debug line elsewhere) and the library does not say how.
 */
export type BusyTask =
  | { kind: 'probe'; endpoint: string; testMode: boolean; requestFormat: RequestFormat }
  | { kind: 'discovery' }
  | { kind: 'setup' }
  | { kind: 'deploy'; flow: string; dryRun: boolean }
  | { kind: 'wiring' };

/** Runs `work`, showing `task` while it lasts. */
export type Busy = <T>(task: BusyTask, work: () => Promise<T>) => Promise<T>;

/** Shows nothing: for callers with nobody watching. */
export const notBusy: Busy = (_task, work) => work();
