import { readEventFile, type ReadOptions } from '../shared/events/index.js';
import { createEvaluator, type Evaluator, evaluate, lazyRule, type PackSnapshot } from '../shared/policy/index.js';
import type { TpguardConfig } from '../shared/config/index.js';
import type { IntakeResult, Rejection } from '../shared/sources/index.js';
import { type ScanRow, toRow } from './scan-rows.js';
import { safeJson } from './terminal.js';
import { csvLine } from './formats/csv.js';
import { type FailOn, fails, keepRow, type ScanFilter } from './scan-filter.js';

/**
 * What `tpguard scan` computes per record, the same in the main thread (`--jobs 1`, stdin) and
 * in a worker (cli/scan-worker.ts): a scan's output is the concatenation of its inputs' batches in
 * input order, whoever computed them, which makes `--jobs N` byte-identical to `--jobs 1`.
 */

export const SCAN_FORMATS = ['table', 'json', 'ndjson', 'csv', 'sarif', 'junit'] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

/** What decides a row's fate, as plain data (it is sent to worker threads). */
export interface ScanSettings {
  format: ScanFormat;
  /** List passes and cannot-evaluate verdicts too. */
  all: boolean;
  /** `--severity`, `--account`, `--region`, `--rule`: which rows are reported. */
  filter: ScanFilter;
  /** `--fail-on`: which reported violations make the exit status 1. */
  failOn: FailOn;
}

/** What a run of records produced, in record order. */
export interface ScanBatch {
  /** `ndjson` or `csv` lines. */
  out: string;
  /** Rows of the whole-document formats (`table`, `json`, `sarif`, `junit`). */
  rows: ScanRow[];
  rejected: Rejection[];
  events: number;
  /** Violations reported (after the filter). */
  violations: number;
  /** Violations the filter left out. */
  filteredOut: number;
  /** A reported violation at or above `--fail-on`. */
  failing: boolean;
  /** Verdicts not reached because only `scope.tags` could decide and the event carries no tags. */
  tagsUnknown: number;
  /** Some of their resources (`<type> <id>`, distinct, at most {@link MAX_NAMED_UNKNOWN} per batch). */
  tagsUnknownResources: string[];
}

const MAX_NAMED_UNKNOWN = 16;

/** Collects the results of records, to be taken as a {@link ScanBatch} now and then. */
export class BatchBuilder {
  private batch: ScanBatch = emptyBatch();
  /** For {@link ReadOptions.unwatched}: such records are events with no finding. */
  public readonly unwatched: NonNullable<ReadOptions['unwatched']>;

  public constructor(
    private readonly ev: Evaluator,
    private readonly settings: ScanSettings,
  ) {
    this.unwatched = {
      watched: (eventSource, eventName) => ev.index.hasCloudTrail(eventSource, eventName),
      count: () => void this.batch.events++,
    };
  }

  /** Rows and rejections held, to bound what a long file accumulates before it is sent. */
  public get size(): number {
    return this.batch.out.length / 256 + this.batch.rows.length + this.batch.rejected.length;
  }

  public add(item: IntakeResult): void {
    const b = this.batch;
    if (!item.ok) {
      b.rejected.push(item.rejection);
      return;
    }
    b.events++;
    const { all, filter, failOn, format } = this.settings;
    for (const f of evaluate(this.ev, item.observation)) {
      if (f.cause === 'tags-unknown') {
        b.tagsUnknown++;
        const name = `${f.resource.type} ${f.resource.id}`;
        if (b.tagsUnknownResources.length < MAX_NAMED_UNKNOWN && !b.tagsUnknownResources.includes(name))
          b.tagsUnknownResources.push(name);
      }
      const violation = f.verdict === 'violation';
      if (!violation && !all) continue;
      const row = toRow(item.observation, f, item.where);
      if (!keepRow(filter, row)) {
        if (violation) b.filteredOut++;
        continue;
      }
      if (violation) {
        b.violations++;
        if (fails(failOn, f.severity)) b.failing = true;
      }
      if (format === 'ndjson') b.out += `${safeJson(row)}\n`;
      else if (format === 'csv') b.out += csvLine(row);
      else b.rows.push(row);
    }
  }

  public take(): ScanBatch {
    const b = this.batch;
    this.batch = emptyBatch();
    return b;
  }
}

export const emptyBatch = (): ScanBatch => ({
  out: '',
  rows: [],
  rejected: [],
  events: 0,
  violations: 0,
  filteredOut: 0,
  failing: false,
  tagsUnknown: 0,
  tagsUnknownResources: [],
});

/** Most rows and rejections a streamed file accumulates before they are handed on. */
const BATCH_LIMIT = 2048;

/** A file whose read has started (see {@link startFile}). */
export interface StartedFile {
  file: string;
  builder: BatchBuilder;
  read: Promise<Iterable<IntakeResult> | AsyncIterable<IntakeResult>>;
}

/** Starts reading a file now, so that its read (and gunzip) overlaps the scan of the one before. */
export function startFile(file: string, ev: Evaluator, settings: ScanSettings): StartedFile {
  const builder = new BatchBuilder(ev, settings);
  return { file, builder, read: readEventFile(file, { unwatched: builder.unwatched }) };
}

/**
 * Scans a started file: read whole (most files) or streamed, its results handed to `emit` in
 * order, in one batch, or several for a long streamed file (`last` on the final one).
 * @example await finishFile(startFile('trail.json.gz', ev, settings), (batch, last) => ...)
 */
export async function finishFile(started: StartedFile, emit: (batch: ScanBatch, last: boolean) => void): Promise<void> {
  await drainItems(await started.read, started.builder, emit);
}

/** Evaluates records into batches (see {@link finishFile}). */
export async function drainItems(
  items: Iterable<IntakeResult> | AsyncIterable<IntakeResult>,
  builder: BatchBuilder,
  emit: (batch: ScanBatch, last: boolean) => void,
): Promise<void> {
  if (Symbol.iterator in items) for (const r of items) builder.add(r);
  else
    for await (const r of items) {
      builder.add(r);
      if (builder.size >= BATCH_LIMIT) emit(builder.take(), false);
    }
  emit(builder.take(), true);
}

/** What a worker is started with: the pack as validated data, and the configuration. */
export interface ScanWorkerData {
  snapshot: PackSnapshot;
  dir: string;
  root: string;
  config: TpguardConfig;
  settings: ScanSettings;
}

/** The evaluator of a pack the main thread loaded and validated (rules compiled on first use). */
export function evaluatorFrom(data: ScanWorkerData): Evaluator {
  const rules = data.snapshot.rules.map((r) => lazyRule(r.rule, r.file, r.area, r.needs));
  return createEvaluator({ version: data.snapshot.version, dir: data.dir, root: data.root, rules }, data.config);
}
