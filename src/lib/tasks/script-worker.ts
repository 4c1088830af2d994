/**
 * A worker thread of a scripted run (`test-chat --jobs`, see conversation/parallel.ts):
 * the same driver as the main thread's (scriptDriverFactory), over its own transport and
 * its own copy of the recording's index; results go back to the main thread, which reports.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createTransport, closeTransport } from '../http/transport';
import { registerSecret } from '../redact';
import { tapFor } from '../conversation/recording';
import { CoverageTap } from '../conversation/coverage-tap';
import { Pacer } from '../conversation/pacing';
import { serveConversations } from '../conversation/parallel';
import { scriptDriverFactory, type ScriptWorkerData } from './run-scripts';

async function main(): Promise<void> {
  const { data, concurrency } = workerData as { data: ScriptWorkerData; concurrency: number };
  for (const secret of data.secrets) registerSecret(secret);
  const http = createTransport();
  const tap = tapFor({ http, definition: data.definition, setup: { endpointUrl: data.setupEndpointUrl }, run: data.run }, data.recording);
  const coverage = new CoverageTap(data.definition, { transcripts: data.transcripts });
  const pacer = new Pacer(undefined);
  try {
    await serveConversations(parentPort!, concurrency, (indexOf) => scriptDriverFactory({ definition: data.definition, http, channelModel: data.channelModel, run: data.run }, coverage, pacer, tap, indexOf), {
      timeoutMs: data.timeoutMs,
      extra: (result) => coverage.countHere(result),
      final: () => coverage.counted(),
    });
  } finally {
    tap.close();
    closeTransport(http);
  }
}

void main();
