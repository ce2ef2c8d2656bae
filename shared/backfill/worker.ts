import { createHash } from 'node:crypto';
import type { DriftTransition } from '../drift/index.js';
import { readObjectBytes } from '../events/index.js';
import { describeError, inOrder } from '../kernel/index.js';
import { type SummaryPublisher, summarizeBatch } from '../notify/index.js';
import { type Evaluator, evaluate } from '../policy/index.js';
import type { Observation, ObservationOrigin } from '../sources/index.js';
import { ArchiveReadError, BackfillEventError } from './errors.js';
import { acceptsKey, type ArchiveKind, ArchiveKinds } from './layout.js';
import type { ArchiveObjects, ResultObjects } from './ports.js';
import { type VerdictRow, verdictRow } from './rows.js';

/** What the state machine passes to every batch (`ItemBatcher.BatchInput`). */
export interface BatchInput {
  /** The archive bucket the items were listed from. */
  bucket: string;
  kind: ArchiveKind;
  /** The execution's name: one backfill. */
  runId: string;
  /** Feed the observations through the ingest path (drift and history), not only list verdicts. */
  record: boolean;
  resultsBucket: string;
  /** Where this run's own objects go (`backfill/<runId>/`). */
  resultsPrefix: string;
}

/** One object as the S3 item reader lists it (`ItemSelector` keeps key and size). */
export interface BatchItem {
  key: string;
  size?: number;
}

/** A Distributed Map batch (`ItemBatcher`): the items and the batch input. */
export interface BatchEvent {
  Items: BatchItem[];
  BatchInput: BatchInput;
}

/** What one batch did: the last line of its output, beside its verdicts. */
export interface BatchSummary {
  batchId: string;
  runId: string;
  objects: number;
  /** Listed objects of another kind (a Config snapshot in a history run), not read. */
  skipped: number;
  records: number;
  violations: number;
  rejected: number;
  /** The first rejections, `where: reason`. */
  rejections: string[];
  /** Transitions the recorded observations made, by owner and kind (`--record`). */
  owners: Record<string, Partial<Record<DriftTransition['kind'], number>>>;
  /** Owners a summary of this batch's transitions was published for (`--record`): one per owner, not per drift. */
  summaries?: string[];
  /** The batch's verdicts, when they did not fit in the state output: an NDJSON object. */
  spilled?: string;
  /** Milliseconds the batch took in the worker, for the throughput figures. */
  ms: number;
}

/** A line of a batch's output: a violation, or the batch summary (always last). */
export type BatchLine = VerdictRow | { batch: BatchSummary };

/** Verdicts kept in the state output up to this size; beyond, they go to an object (the limit is 256 KiB). */
export const INLINE_OUTPUT_BYTES = 200 * 1024;
/** Objects of one batch read at once. */
export const BATCH_READ_CONCURRENCY = 4;
const MAX_LISTED_REJECTIONS = 20;

/** What a batch needs. */
export interface BatchDeps {
  objects: ArchiveObjects;
  results: ResultObjects;
  evaluator: Evaluator;
  /** Records an observation through the ingest path (with `record`); returns the transitions it made. */
  record?: (obs: Observation) => Promise<readonly DriftTransition[]>;
  /** Where a recorded batch's summaries go (one per owner; the notifier sends each once per channel). */
  summaries?: SummaryPublisher;
  /** Milliseconds, for the summary's `ms` (a clock port: tests pass a counter). */
  now: () => number;
}

const KINDS = new Set<string>(Object.values(ArchiveKinds));

/**
 * Checks a worker event is a batch of the state machine (never trusts its shape).
 * @example const batch = parseBatchEvent(event)
 */
export function parseBatchEvent(event: unknown): BatchEvent {
  const e = event as Partial<BatchEvent> | null;
  const input = e?.BatchInput as Partial<BatchInput> | undefined;
  if (!e || !Array.isArray(e.Items) || !input || typeof input !== 'object')
    throw new BackfillEventError('not a backfill batch: expected {Items: [...], BatchInput: {...}}');
  for (const field of ['bucket', 'runId', 'resultsBucket', 'resultsPrefix'] as const)
    if (typeof input[field] !== 'string' || input[field] === '')
      throw new BackfillEventError(`BatchInput.${field}: expected a non-empty string`);
  if (typeof input.kind !== 'string' || !KINDS.has(input.kind))
    throw new BackfillEventError(`BatchInput.kind: expected one of ${[...KINDS].join(', ')}`);
  const items = e.Items.map((item, i) => {
    const key = (item as BatchItem | null)?.key;
    if (typeof key !== 'string' || key === '') throw new BackfillEventError(`Items[${i}].key: expected a string`);
    return { key };
  });
  return { Items: items, BatchInput: { ...(input as BatchInput), record: input.record === true } };
}

/** A batch's id: the same objects give the same id, so a retried batch overwrites its spill. */
export function batchIdOf(items: readonly BatchItem[]): string {
  const h = createHash('sha256');
  for (const i of items) h.update(i.key).update('\n');
  return h.digest('hex').slice(0, 20);
}

/**
 * Scans one batch of archive objects with the scan's reader and evaluator: every violation as
 * `scan --format ndjson` would print it, and with `record` every observation a rule judges fed
 * through the ingest path. An object that cannot be read for good (AccessDenied) is rejected with
 * its reason and the rest scanned; one that might be read later throws, so the map retries the batch.
 * @example const lines = await scanBatch(parseBatchEvent(event), deps)
 */
export async function scanBatch(batch: BatchEvent, deps: BatchDeps): Promise<BatchLine[]> {
  const started = deps.now();
  const input = batch.BatchInput;
  const wanted = batch.Items.filter((i) => acceptsKey(input.kind, i.key));
  const summary: BatchSummary = {
    batchId: batchIdOf(batch.Items),
    runId: input.runId,
    objects: wanted.length,
    skipped: batch.Items.length - wanted.length,
    records: 0,
    violations: 0,
    rejected: 0,
    rejections: [],
    owners: {},
    ms: 0,
  };
  const reject = (where: string, reason: string) => {
    summary.rejected++;
    if (summary.rejections.length < MAX_LISTED_REJECTIONS) summary.rejections.push(`${where}: ${reason}`);
  };
  const rows: VerdictRow[] = [];
  // A recorded batch is one alert batch: its drift is marked `origin: backfill` and summarized per
  // owner. The same items give the same id, so a redelivered batch falls in the same ledger slot.
  const origin: ObservationOrigin | undefined = deps.record
    ? { kind: 'backfill', batchId: `backfill-${input.runId}-${summary.batchId}`, label: input.runId }
    : undefined;
  const transitions: DriftTransition[] = [];
  const read = (item: BatchItem) => deps.objects.read(input.bucket, item.key);
  for await (const { item, result } of inOrder(wanted, BATCH_READ_CONCURRENCY, read)) {
    const where = `s3://${input.bucket}/${item.key}`;
    if (result.status === 'rejected') {
      const err = result.reason;
      if (err instanceof ArchiveReadError && !err.retryable) {
        reject(where, `cannot read: ${err.code}`);
        continue;
      }
      throw err;
    }
    for await (const r of readObjectBytes(result.value, where)) {
      if (!r.ok) {
        reject(r.rejection.where, r.rejection.reason);
        continue;
      }
      summary.records++;
      if (origin) r.observation.origin = origin;
      transitions.push(...(await scanObservation(r.observation, r.where, deps, rows, summary)));
    }
  }
  summary.violations = rows.length;
  if (origin && deps.summaries) {
    const minSeverity = deps.evaluator.config.notifications.minSeverity;
    const at = new Date(started).toISOString();
    // Republished transitions too: a batch retried after a crash before this publish still sends its summary.
    const summaries = summarizeBatch(transitions, origin, minSeverity, at, { withRepublished: true });
    if (summaries.length > 0) await deps.summaries.publishSummaries(summaries);
    summary.summaries = summaries.map((s) => s.owner);
  }
  const lines: BatchLine[] = [];
  const inline = rows.reduce((n, r) => n + JSON.stringify(r).length + 1, 0) <= INLINE_OUTPUT_BYTES;
  if (inline) lines.push(...rows);
  else {
    const key = `${input.resultsPrefix}spilled/${summary.batchId}.ndjson`;
    await deps.results.put(
      input.resultsBucket,
      key,
      rows.map((r) => `${JSON.stringify(r)}\n`).join(''),
      'application/x-ndjson',
    );
    summary.spilled = `s3://${input.resultsBucket}/${key}`;
  }
  summary.ms = Math.max(0, deps.now() - started);
  lines.push({ batch: summary });
  return lines;
}

async function scanObservation(
  obs: Observation,
  where: string,
  deps: BatchDeps,
  rows: VerdictRow[],
  summary: BatchSummary,
): Promise<readonly DriftTransition[]> {
  const findings = evaluate(deps.evaluator, obs);
  if (findings.length === 0) return [];
  for (const f of findings) if (f.verdict === 'violation') rows.push(verdictRow(obs, f, where));
  if (!deps.record || !findings.some((f) => f.verdict === 'violation' || f.verdict === 'pass')) return [];
  let transitions: readonly DriftTransition[];
  try {
    transitions = await deps.record(obs);
  } catch (err) {
    throw new BackfillEventError(`${where}: recording failed: ${describeError(err)}`, { cause: err });
  }
  for (const t of transitions) {
    if (t.republished) continue;
    const owner = t.record.owner ?? 'default';
    const counts = summary.owners[owner] ?? {};
    summary.owners[owner] = counts;
    counts[t.kind] = (counts[t.kind] ?? 0) + 1;
  }
  return transitions;
}
