import { Worker } from 'node:worker_threads';
import { listInputs, readInputs } from '../shared/events/index.js';
import type { Evaluator } from '../shared/policy/index.js';
import {
  BatchBuilder,
  drainItems,
  emptyBatch,
  finishFile,
  type ScanBatch,
  type ScanSettings,
  type ScanWorkerData,
  type StartedFile,
  startFile,
} from './scan-batch.js';
import { CliError } from './errors.js';

/**
 * The order of a scan: each input (file, stdin, skip notice, rejected path) takes the next place
 * in a sequence, in the order `--jobs 1` meets them; batches are handed to the sink in sequence
 * order, whichever thread computed them and whenever they arrive.
 */
export interface ScanSink {
  /** A file (or stdin) starts: progress. */
  file(): void;
  batch(batch: ScanBatch): void;
  skipped(file: string, reason: string): void;
}

type Slot = { items: ({ batch: ScanBatch } | { skipped: string; reason: string })[]; done: boolean };

/** Most output held for inputs that finished before one still running, before reading pauses. */
const MAX_HELD_CHARS = 64 * 1024 * 1024;

/** Files a worker holds at once: the one it scans and the one it reads ahead. */
const PER_WORKER = 2;

class OrderedOutput {
  private readonly slots = new Map<number, Slot>();
  private next = 0;
  public held = 0;

  public constructor(private readonly sink: ScanSink) {}

  public open(seq: number): Slot {
    const slot: Slot = { items: [], done: false };
    this.slots.set(seq, slot);
    return slot;
  }

  public add(seq: number, item: Slot['items'][number], done: boolean): void {
    const slot = this.slots.get(seq)!;
    slot.items.push(item);
    if ('batch' in item)
      this.held += item.batch.out.length + 256 * (item.batch.rows.length + item.batch.rejected.length);
    slot.done = done;
    this.flush();
  }

  public get pending(): number {
    return this.slots.size;
  }

  private flush(): void {
    for (let slot = this.slots.get(this.next); slot; slot = this.slots.get(this.next)) {
      for (const item of slot.items) {
        if ('batch' in item) {
          this.held -= item.batch.out.length + 256 * (item.batch.rows.length + item.batch.rejected.length);
          this.sink.batch(item.batch);
        } else this.sink.skipped(item.skipped, item.reason);
      }
      slot.items = [];
      if (!slot.done) return;
      this.slots.delete(this.next++);
    }
  }
}

/** stdin, read in this thread (one stream: nothing to share out). */
async function scanStdin(ev: Evaluator, settings: ScanSettings, emit: (b: ScanBatch, last: boolean) => void) {
  const builder = new BatchBuilder(ev, settings);
  await drainItems(readInputs(['-'], { unwatched: builder.unwatched }), builder, emit);
}

/**
 * `--jobs 1`: every input in this thread, in order, the next file read ahead while one is scanned.
 * @example await scanInProcess(['trail/'], ev, settings, sink)
 */
export async function scanInProcess(
  paths: readonly string[],
  ev: Evaluator,
  settings: ScanSettings,
  sink: ScanSink,
): Promise<void> {
  let ahead: StartedFile | undefined;
  const emit = (b: ScanBatch) => sink.batch(b);
  const drain = async () => {
    if (!ahead) return;
    const started = ahead;
    ahead = undefined;
    sink.file();
    await finishFile(started, emit);
  };
  for await (const item of listInputs(paths)) {
    if (item.kind === 'file') {
      const next = startFile(item.file, ev, settings);
      await drain();
      ahead = next;
      continue;
    }
    await drain();
    if (item.kind === 'stdin') {
      sink.file();
      await scanStdin(ev, settings, emit);
    } else if (item.kind === 'skipped') sink.skipped(item.file, item.reason);
    else if (!item.result.ok) sink.batch({ ...emptyBatch(), rejected: [item.result.rejection] });
  }
  await drain();
}

/** Where the worker's code is: beside this module, built (dist/) or TypeScript (tests, tsx). */
function workerScript(): { url: URL; execArgv: string[] } {
  const fromSource = import.meta.url.endsWith('.ts');
  return fromSource
    ? { url: new URL('./scan-worker.ts', import.meta.url), execArgv: ['--import', 'tsx'] }
    : { url: new URL('./scan-worker.js', import.meta.url), execArgv: [] };
}

/** A thread that scans files: a worker, or this thread. */
interface Scanner {
  inflight: number;
  send(seq: number, file: string): void;
}

/** A message from a worker: a batch of the input at `seq`, or its failure. */
export type WorkerMessage = { seq: number; batch: ScanBatch; last: boolean } | { error: string };

/**
 * `--jobs N`: files are handed to this thread and up to `jobs - 1` worker threads (started as
 * files need them), at most {@link PER_WORKER} at a time each, the least busy first; stdin is read
 * in this thread.
 * Output is in input order ({@link OrderedOutput}): a long file delays what is printed after it,
 * not what is scanned, unless {@link MAX_HELD_CHARS} of output wait behind it.
 * @example await scanParallel(['trail/'], 2, data, ev, sink)
 */
export async function scanParallel(
  paths: readonly string[],
  jobs: number,
  data: ScanWorkerData,
  ev: Evaluator,
  sink: ScanSink,
): Promise<void> {
  const output = new OrderedOutput(sink);
  const pool: Scanner[] = [];
  const script = workerScript();
  let failure: Error | undefined;
  let wake: () => void = () => undefined;
  const changed = () => new Promise<void>((r) => (wake = r));
  const fail = (err: Error) => {
    failure ??= err;
    wake();
  };
  const workers: Worker[] = [];
  const spawn = (): Scanner => {
    const worker = new Worker(script.url, { workerData: data, execArgv: script.execArgv });
    const entry: Scanner = { inflight: 0, send: (seq, file) => worker.postMessage({ seq, file }) };
    worker.on('message', (m: WorkerMessage) => {
      if ('error' in m) return fail(new CliError(m.error));
      if (m.last) entry.inflight--;
      output.add(m.seq, { batch: m.batch }, m.last);
      wake();
    });
    worker.on('error', (err: Error) =>
      fail(new CliError(`scan worker failed: ${String(err?.message).split('\n')[0]}`)),
    );
    worker.on('exit', (code) => {
      if (entry.inflight > 0) fail(new CliError(`scan worker stopped (exit ${code})`));
    });
    workers.push(worker);
    pool.push(entry);
    return entry;
  };
  // This thread is one of the `jobs`: one isolate fewer (its heap was a third of the peak RSS
  // of --jobs 2), and the walk and the output are light enough to share its core.
  let chain = Promise.resolve();
  const self: Scanner = {
    inflight: 0,
    send: (seq, file) => {
      const started = startFile(file, ev, data.settings);
      chain = chain
        .then(() =>
          finishFile(started, (batch, last) => {
            if (last) self.inflight--;
            output.add(seq, { batch }, last);
            wake();
          }),
        )
        .catch((err: unknown) => fail(err instanceof Error ? err : new Error(String(err))));
    },
  };
  pool.push(self);
  const pick = (): Scanner | undefined => {
    const idle = pool.find((w) => w.inflight === 0);
    if (idle) return idle;
    if (pool.length < jobs) return spawn();
    const least = pool.reduce((a, b) => (b.inflight < a.inflight ? b : a));
    return least.inflight < PER_WORKER ? least : undefined;
  };
  let seq = 0;
  try {
    for await (const item of listInputs(paths)) {
      if (failure) break;
      const at = seq++;
      output.open(at);
      if (item.kind === 'file') {
        let target = output.held < MAX_HELD_CHARS ? pick() : undefined;
        while (!target && !failure) {
          await changed();
          target = output.held < MAX_HELD_CHARS ? pick() : undefined;
        }
        if (!target) break;
        sink.file();
        target.inflight++;
        target.send(at, item.file);
      } else if (item.kind === 'stdin') {
        sink.file();
        await scanStdin(ev, data.settings, (batch, last) => output.add(at, { batch }, last));
      } else if (item.kind === 'skipped') output.add(at, { skipped: item.file, reason: item.reason }, true);
      else
        output.add(at, { batch: { ...emptyBatch(), rejected: item.result.ok ? [] : [item.result.rejection] } }, true);
    }
    while (output.pending > 0 && !failure) await changed();
    if (failure) throw failure;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
    await chain;
  }
}
