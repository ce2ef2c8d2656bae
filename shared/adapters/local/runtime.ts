import type { TpguardConfig } from '../../config/index.js';
import type { ExceptionMatcher } from '../../drift/index.js';
import type { TransitionKind } from '../../drift/index.js';
import {
  type BusEnvelope,
  envelopeOf,
  type GeneratedPattern,
  type IntakeResult,
  type Observation,
  type Rejection,
} from '../../sources/index.js';
import {
  emptyResult,
  ingestEvent,
  ingestNormalized,
  recordRejection,
  type IngestDeps,
  type IngestResult,
} from '../../ingest/index.js';
import type { IngestTelemetry } from '../../ingest/index.js';
import { createEvaluator } from '../../policy/index.js';
import type { PolicyPack } from '../../policy/index.js';
import { generatePatterns, matchesPattern } from '../../policy/index.js';
import { createExceptionMatcher } from '../../exceptions/index.js';
import { DynamoExceptionStore } from '../aws/index.js';
import { DynamoResourceTags, DynamoSightings } from '../aws/index.js';
import { GUARDDUTY_FINDINGS_PATTERN, recordObservationSightings, recordSightings } from '../../ingest/index.js';
import { systemClock, type Clock } from '../../kernel/index.js';
import { summarizeBatch } from '../../notify/index.js';
import type { DriftTransition } from '../../drift/index.js';
import { DynamoBaselineRuns, DynamoDriftStore } from '../aws/index.js';
import { type BaselineResult, runBaseline, type StateReader } from '../../baseline/index.js';
import { openLocalTable, type LocalTable } from './dynalite.js';
import { LocalBus, LocalBusPublisher, type BusDeliveryFailure } from './bus.js';

/** The data folder every local command shares by default (embedded DynamoDB, outbox, inbox). */
export const DEFAULT_DATA_DIR = '.tpguard';

export interface LocalRuntimeOptions {
  config: TpguardConfig;
  pack: PolicyPack;
  /** Data folder of the embedded store; in memory when undefined. */
  dataDir?: string;
  clock?: Clock;
  exceptions?: ExceptionMatcher;
  telemetry?: IngestTelemetry;
  /** Name recorded on rejected inputs (`replay`, `serve`, `start`). */
  intake?: string;
}

/** Counts of a local run (replay, serve, start). */
export interface RunSummary {
  /** Inputs read (observations and rejections). */
  inputs: number;
  /** Events that matched a generated pattern and reached an ingest handler. */
  routed: number;
  /** Events no rule listens to: EventBridge would never deliver them. */
  unrouted: number;
  rejected: number;
  findings: number;
  violations: number;
  /** Verdicts a rule could not reach (truncated fields, expression errors, absent fields): logged. */
  cannotEvaluate: number;
  /** Of those, the ones the event's content caused on an identified resource: recorded as unverifiable drift. */
  unverifiable: number;
  /** Transitions announced late: an observation arrived after later ones and changed what happened. */
  late: number;
  /** Transitions made by this run, by kind. */
  transitions: Record<TransitionKind, number>;
  /** Transitions published again for duplicate deliveries (at least once; the notifier dedupes). */
  republished: number;
  /** Handler failures (EventBridge would retry, then dead-letter). */
  errors: BusDeliveryFailure[];
}

export function emptySummary(): RunSummary {
  return {
    inputs: 0,
    routed: 0,
    unrouted: 0,
    rejected: 0,
    findings: 0,
    violations: 0,
    cannotEvaluate: 0,
    unverifiable: 0,
    late: 0,
    transitions: { opened: 0, resolved: 0, reopened: 0, suppressed: 0, escalated: 0, unverifiable: 0 },
    republished: 0,
    errors: [],
  };
}

/** The local runtime: embedded store, in-process bus, the ingest handlers subscribed with the generated patterns. */
export interface LocalRuntime {
  bus: LocalBus;
  store: DynamoDriftStore;
  table: LocalTable;
  deps: IngestDeps;
  patterns: GeneratedPattern[];
  /** Totals since the runtime started. */
  summary: RunSummary;
  /** Routes one AWS event through the bus, as EventBridge would (with its observation when intake made one). */
  route(event: BusEnvelope, observation?: Observation): Promise<void>;
  /**
   * Feeds intake results (from `readInputs` or `intake`): rejections recorded, observations routed.
   * `onRejected` hears each input an ingest handler refused (dated too far ahead of the clock);
   * intake's own rejections are the caller's, as it read them.
   */
  ingest(
    items: AsyncIterable<IntakeResult> | Iterable<IntakeResult>,
    onRejected?: (r: Rejection) => void,
  ): Promise<RunSummary>;
  /**
   * Runs a baseline over this store (`npm start` on the sample snapshot, `tpguard baseline --from`):
   * transitions and the per-owner summaries go on the local bus, run records into the table.
   */
  baseline(reader: StateReader, trigger: string, label?: string): Promise<BaselineResult>;
  close(): Promise<void>;
}

function addResult(s: RunSummary, r: IngestResult, batched: DriftTransition[]): void {
  for (const t of r.transitions) if (t.batch && !t.republished) batched.push(t);
  s.findings += r.findings;
  s.violations += r.violations;
  s.cannotEvaluate += r.cannotEvaluate;
  s.unverifiable += r.unverifiable;
  // Inputs intake took but ingest refused (dated too far ahead of the clock).
  s.rejected += r.rejected.length;
  for (const t of r.transitions) {
    if (t.republished) s.republished++;
    else {
      s.transitions[t.kind]++;
      if (t.late) s.late++;
    }
  }
}

function addSummary(total: RunSummary, part: RunSummary): void {
  for (const k of [
    'inputs',
    'routed',
    'unrouted',
    'rejected',
    'findings',
    'violations',
    'cannotEvaluate',
    'unverifiable',
    'late',
    'republished',
  ] as const)
    total[k] += part[k];
  for (const k of Object.keys(part.transitions) as TransitionKind[]) total.transitions[k] += part.transitions[k];
  total.errors.push(...part.errors);
}

/**
 * Starts the local runtime: opens (or attaches to) the embedded DynamoDB, subscribes the ingest
 * handler once per pattern generated from the pack (the same patterns the deployed EventBridge
 * rules use), and publishes transitions back onto the bus, where the console printer and the
 * notifier subscribe (`runtime.bus.subscribe(TRANSITION_PATTERN, handler)`).
 * @example const rt = await startLocalRuntime({ config, pack, dataDir: '.tpguard' }); await rt.ingest(readInputs(['events/'])); await rt.close()
 */
export async function startLocalRuntime(options: LocalRuntimeOptions): Promise<LocalRuntime> {
  const table = await openLocalTable(options.dataDir ? { dataDir: options.dataDir } : {});
  const bus = new LocalBus();
  const store = new DynamoDriftStore(table.doc, { tableName: table.tableName });
  const deps: IngestDeps = {
    evaluator: createEvaluator(options.pack, options.config),
    store,
    publisher: new LocalBusPublisher(bus),
    clock: options.clock ?? systemClock,
    intake: options.intake ?? 'local',
    // Resource tags remembered for scope.tags (CloudTrail carries none).
    tags: new DynamoResourceTags(table.doc, table.tableName),
    // Exceptions (shared/exceptions): the store's active ones unless the caller brings a matcher.
    exceptions:
      options.exceptions ??
      createExceptionMatcher(new DynamoExceptionStore(table.doc, table.tableName), options.clock ?? systemClock),
    ...(options.telemetry ? { telemetry: options.telemetry } : {}),
  };
  const sightings = new DynamoSightings(table.doc, table.tableName);
  const summary = emptySummary();
  let current = summary;
  // Transitions of a batch (a Config snapshot read by replay) reach people in one summary per owner.
  let batched: DriftTransition[] = [];
  const publisher = deps.publisher as LocalBusPublisher;
  let heard: ((r: Rejection) => void) | undefined;
  const patterns = generatePatterns(options.pack);
  for (const p of patterns) {
    bus.subscribe(
      p.pattern,
      async (event, observation) => {
        const result = observation ? await ingestNormalized(observation, deps) : await ingestEvent(event, deps);
        addResult(current, result, batched);
        for (const r of result.rejected) heard?.(r);
      },
      `ingest-${p.target}`,
    );
  }
  const route = async (event: BusEnvelope, observation?: Observation) => {
    // The review's threat watch sees every GuardDuty finding, mapped or not (not counted as routed).
    if (matchesPattern(GUARDDUTY_FINDINGS_PATTERN as Record<string, unknown>, event))
      await (observation
        ? recordObservationSightings(observation, sightings, options.config)
        : recordSightings(event, sightings, options.config));
    const { matched, errors } = await bus.put(event, observation);
    if (matched === 0) current.unrouted++;
    else current.routed++;
    current.errors.push(...errors);
  };
  const ingest = async (
    items: AsyncIterable<IntakeResult> | Iterable<IntakeResult>,
    onRejected?: (r: Rejection) => void,
  ) => {
    const run = emptySummary();
    current = run;
    heard = onRejected;
    try {
      for await (const item of items) {
        run.inputs++;
        if (item.ok) await route(envelopeOf(item.observation), item.observation);
        else {
          run.rejected++;
          await recordRejection(item.rejection, undefined, deps, emptyResult());
        }
      }
    } finally {
      current = summary;
      heard = undefined;
      addSummary(summary, run);
    }
    const batches = new Map(batched.map((t) => [t.batch!.batchId, t.batch!]));
    for (const batch of batches.values())
      await publisher.publishSummaries(
        summarizeBatch(batched, batch, options.config.notifications.minSeverity, deps.clock.now().toISOString()),
      );
    batched = [];
    return run;
  };
  const baseline = (reader: StateReader, trigger: string, label?: string) =>
    runBaseline({
      ...deps,
      intake: 'baseline',
      reader,
      runs: new DynamoBaselineRuns(table.doc, table.tableName),
      summaries: publisher,
      trigger,
      ...(label ? { label } : {}),
      goneAfterMinutes: options.config.baseline.goneAfterMinutes,
      concurrency: options.config.baseline.concurrency,
    });
  return { bus, store, table, deps, patterns, summary, route, ingest, baseline, close: () => table.close() };
}
