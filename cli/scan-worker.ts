/**
 * A worker thread of `tpguard scan --jobs N` (cli/scan-parallel.ts): it builds the evaluator from
 * the pack and configuration the main thread loaded, then scans the files it is sent, in the
 * order sent, reading the next one while it scans the current one, and posts each file's batches
 * tagged with the file's place in the scan.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../shared/kernel/index.js';
import { evaluatorFrom, finishFile, type ScanWorkerData, type StartedFile, startFile } from './scan-batch.js';
import type { WorkerMessage } from './scan-parallel.js';

const port = parentPort!;
const data = workerData as ScanWorkerData;
const ev = evaluatorFrom(data);
const queue: { seq: number; started: StartedFile }[] = [];
let running = false;

async function run(): Promise<void> {
  running = true;
  for (let task = queue.shift(); task; task = queue.shift()) {
    const { seq, started } = task;
    await finishFile(started, (batch, last) => port.postMessage({ seq, batch, last } satisfies WorkerMessage));
  }
  running = false;
}

port.on('message', (task: { seq: number; file: string }) => {
  queue.push({ seq: task.seq, started: startFile(task.file, ev, data.settings) });
  if (!running)
    run().catch((err: unknown) =>
      port.postMessage({ error: `scan worker: ${describeError(err)}` } satisfies WorkerMessage),
    );
});
