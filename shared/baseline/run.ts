import { createHash } from 'node:crypto';
import { type DriftRecord, type DriftTransition, resolveFromState } from '../drift/index.js';
import {
  emptyResult,
  type IngestDeps,
  type IngestResult,
  ingestObservation,
  publishTransitions,
} from '../ingest/index.js';
import { describeError, silentTelemetry } from '../kernel/index.js';
import { type BatchSummary, summarizeBatch } from '../notify/index.js';
import { evaluate } from '../policy/index.js';
import {
  fromConfigType,
  intake,
  isWholeStateTrigger,
  normalizeConfigItem,
  type Observation,
  type ObservationOrigin,
} from '../sources/index.js';
import { planOf, wantedBy } from './plan.js';
import type { BaselineRunStore, StateReader, SummaryPublisher } from './ports.js';
import { runRecords, type ScopeStats, statsOf } from './stats.js';
import { JOB_KINDS, type BaselineRun, type StateRead } from './types.js';

/** Everything a baseline run needs: the ingest pipeline's dependencies, a reader and two sinks. */
export interface BaselineDeps extends IngestDeps {
  reader: StateReader;
  runs: BaselineRunStore;
  summaries: SummaryPublisher;
  /** `schedule`, `cli`, `snapshot`. */
  trigger: string;
  /**
   * What the run covers, for messages: `111122223333/eu-west-1`, `aggregator org`. Default: the one
   * account/region read, or how many were read.
   */
  label?: string;
  /**
   * AWS Config records a change within minutes: drift seen in the last this-many minutes before
   * the run is not declared gone for missing from the listing (default 60).
   */
  goneAfterMinutes?: number;
  /** Observations evaluated and recorded at once (default 8). */
  concurrency?: number;
}

/** What a run did. */
export interface BaselineResult {
  batch: ObservationOrigin;
  runs: BaselineRun[];
  transitions: DriftTransition[];
  summaries: BatchSummary[];
}

/** A resource the run read: where its state sits in event order, and the reconciling rules that passed on it. */
interface Read {
  eventTime: string;
  eventId: string;
  passes: string[];
}

const keyOf = (account: string, region: string, type: string, id?: string) =>
  id === undefined ? `${account}|${region}|${type}` : `${account}|${region}|${type}|${id}`;

/** `111122223333/eu-west-1` for one account and region (IAM's `global` aside), else how many. */
function labelOf(scopes: readonly { account: string; region: string }[]): string {
  const accounts = new Set(scopes.map((s) => s.account));
  const regions = new Set(scopes.map((s) => s.region).filter((r) => r !== 'global'));
  if (accounts.size === 1 && regions.size <= 1) return `${[...accounts][0]}/${[...regions][0] ?? 'global'}`;
  return `${accounts.size} accounts, ${regions.size} regions`;
}

/** The run id: the start time and a hash of the reader, stable for one run, readable in a table. */
export function runIdOf(startedAt: Date, source: string): string {
  const hash = createHash('sha256').update(`${source}\u0000${startedAt.toISOString()}`).digest('hex').slice(0, 8);
  return `bl-${startedAt.toISOString().replace(/\D/g, '').slice(0, 14)}-${hash}`;
}

class BaselineRunner {
  private readonly acc: IngestResult = emptyResult();
  private readonly stats = new Map<string, ScopeStats>();
  private readonly coverage = new Set<string>();
  private readonly existing = new Set<string>();
  private readonly reads = new Map<string, Read>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly reconcilers: ReadonlySet<string>;
  private readonly reconciles = new Map<string, readonly string[]>();
  private readonly wholeState = new Set<string>();

  public constructor(
    private readonly deps: BaselineDeps,
    private readonly origin: ObservationOrigin,
  ) {
    for (const { rule } of deps.evaluator.pack.rules)
      if (rule.reconciles) this.reconciles.set(rule.id, rule.reconciles);
    this.reconcilers = new Set(this.reconciles.keys());
    for (const { rule } of deps.evaluator.pack.rules) if (isWholeStateTrigger(rule.on)) this.wholeState.add(rule.id);
  }

  public scope(account: string, region: string): ScopeStats {
    const key = `${account}/${region}`;
    let s = this.stats.get(key);
    if (!s) {
      s = statsOf(account, region);
      this.stats.set(key, s);
    }
    return s;
  }

  /** Takes one read; observations are evaluated and recorded with bounded concurrency. */
  public async take(read: StateRead): Promise<void> {
    if (read.type === 'listed') {
      const type = fromConfigType(read.configType);
      this.existing.add(keyOf(read.account, read.region, type, read.resourceId));
      if (read.resourceName) this.existing.add(keyOf(read.account, read.region, type, read.resourceName));
    } else if (read.type === 'covered') {
      this.coverage.add(keyOf(read.account, read.region, fromConfigType(read.configType)));
      this.scope(read.account, read.region).covered.add(read.configType);
    } else if (read.type === 'skipped') this.scope(read.account, read.region).skipped++;
    else if (read.type === 'unreadable') this.scope(read.account, read.region).unreadable(read);
    else {
      const obs = this.observationOf(read);
      if (obs) await this.schedule(obs);
    }
  }

  private observationOf(read: Extract<StateRead, { type: 'item' | 'observation' | 'job' }>): Observation | undefined {
    try {
      if (read.type === 'observation') return read.observation;
      if (read.type === 'item') return normalizeConfigItem(read.item);
      const kind = JOB_KINDS[read.kind];
      this.scope(read.account, read.region).covered.add(read.kind);
      const envelope = {
        version: '0',
        id: `${this.origin.batchId}-${createHash('sha256').update(read.arn).digest('hex').slice(0, 16)}`,
        'detail-type': kind.detailType,
        source: `aws.${kind.source}`,
        account: read.account,
        time: read.readAt,
        region: read.region,
        resources: [read.arn],
        detail: read.detail,
      };
      const [result] = [...intake(envelope, read.arn)];
      if (result?.ok) return result.observation;
      this.scope(read.account, read.region).unreadable({
        what: read.kind,
        resourceId: read.arn,
        reason: result && !result.ok ? result.rejection.reason : 'no observation',
      });
    } catch (err) {
      const item = read.type === 'item' ? read.item : {};
      const where = {
        account: String(item.accountId ?? item.awsAccountId ?? 'unknown'),
        region: String(item.awsRegion ?? 'unknown'),
      };
      this.scope(where.account, where.region).unreadable({
        what: String(item.resourceType ?? 'item'),
        reason: describeError(err),
      });
    }
    return undefined;
  }

  private async schedule(obs: Observation): Promise<void> {
    while (this.inFlight.size >= (this.deps.concurrency ?? 8)) await Promise.race(this.inFlight);
    const p = this.record(obs).finally(() => this.inFlight.delete(p));
    this.inFlight.add(p);
  }

  private async record(obs: Observation): Promise<void> {
    obs.origin = this.origin;
    const s = this.scope(obs.account, obs.region);
    const r = obs.resources[0];
    if (r) {
      const key = keyOf(obs.account, obs.region, r.type, r.id);
      this.existing.add(key);
      const passes = this.reconcilers.size
        ? evaluate(this.deps.evaluator, obs, this.reconcilers)
            .filter((f) => f.verdict === 'pass')
            .map((f) => f.ruleId)
        : [];
      this.reads.set(key, { eventTime: obs.eventTime, eventId: obs.eventId, passes });
    }
    const mine = emptyResult();
    await ingestObservation(obs, this.deps, mine);
    s.add(mine);
    // An unchanged resource read again is a duplicate whose transition the pipeline would publish
    // again (at least once, for a crash between write and publish): weekly, for every open drift,
    // that is noise the notifier would only dedupe. The baseline publishes what it changed.
    this.acc.transitions.push(...mine.transitions.filter((t) => !t.republished));
  }

  public async drain(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  /** Drift of covered resources that are gone, or that a reconciling rule's pass closes. */
  public async reconcile(listedAt: Date, records: readonly DriftRecord[]): Promise<DriftTransition[]> {
    const startedAt = listedAt;
    const goneBefore = new Date(startedAt.getTime() - (this.deps.goneAfterMinutes ?? 60) * 60_000).toISOString();
    const out: DriftTransition[] = [];
    const recordedAt = this.deps.clock.now().toISOString();
    for (const r of records) {
      if (!this.coverage.has(keyOf(r.account, r.region, r.resourceType))) continue;
      const key = keyOf(r.account, r.region, r.resourceType, r.resourceId);
      const read = this.reads.get(key);
      let t: DriftTransition | undefined;
      if (read && !this.wholeState.has(r.ruleId)) {
        const by = read.passes.find((w) => this.reconciles.get(w)?.includes(r.ruleId));
        if (!by) continue;
        t = await resolveFromState(this.deps.store, {
          record: r,
          reason: 'reconciled',
          eventTime: read.eventTime,
          eventId: `${read.eventId}#${by}`,
          note: `reconciled: ${by} passed on the state recorded at ${read.eventTime}`,
          evidence: { read: this.deps.reader.source, rule: by, stateTime: read.eventTime, stateEventId: read.eventId },
          origin: this.origin,
          recordedAt,
        });
      } else if (!read && !this.existing.has(key) && r.lastSeen < goneBefore) {
        t = await resolveFromState(this.deps.store, {
          record: r,
          reason: 'gone',
          eventTime: goneBefore,
          eventId: `${this.origin.batchId}-gone`,
          note: `gone: ${r.resourceType} ${r.resourceId} is not in the inventory of ${r.account}/${r.region} read at ${startedAt.toISOString()}`,
          evidence: {
            read: this.deps.reader.source,
            listedAt: startedAt.toISOString(),
            resourceType: r.resourceType,
            resourceId: r.resourceId,
            runId: this.origin.batchId,
          },
          origin: this.origin,
          recordedAt,
        });
      }
      if (t) {
        out.push(t);
        this.scope(r.account, r.region).countTransition(t);
      }
    }
    return out;
  }

  public get result(): IngestResult {
    return this.acc;
  }

  public get scopes(): ScopeStats[] {
    return [...this.stats.values()];
  }
}

/**
 * One baseline: reads the current state of every resource type the pack has whole-state rules
 * for, evaluates each resource as its change event would be (same rules, same drift records,
 * marked `origin: baseline`), resolves drift of covered resources that are gone or that a
 * reconciling rule now passes, publishes the transitions (flagged with the batch), keeps one run
 * record per account and region, and sends one summary per owner instead of one alert per drift.
 * @example const result = await runBaseline({ ...ingestDeps, reader, runs, summaries, trigger: 'cli', label: '111122223333/eu-west-1' })
 */
export async function runBaseline(deps: BaselineDeps): Promise<BaselineResult> {
  const t = deps.telemetry ?? silentTelemetry;
  const startedAt = deps.clock.now();
  const origin: ObservationOrigin = {
    kind: 'baseline',
    batchId: runIdOf(startedAt, deps.reader.source),
    label: deps.label ?? '',
  };
  const runner = new BaselineRunner(deps, origin);
  const plan = planOf(deps.evaluator.pack);
  for await (const read of deps.reader.read(plan, wantedBy(deps.evaluator.config))) await runner.take(read);
  await runner.drain();
  if (!origin.label) origin.label = labelOf(runner.scopes);
  const records = await deps.store.queryRecords({ statuses: ['open', 'suppressed'] });
  const readAt = deps.reader.readAt?.();
  const resolved = await runner.reconcile(readAt ? new Date(readAt) : startedAt, records);
  const acc = runner.result;
  acc.transitions.push(...resolved);
  for (const tr of acc.transitions)
    if (!resolved.includes(tr)) runner.scope(tr.record.account, tr.record.region).countTransition(tr);
  await publishTransitions(acc, deps);
  const open = await deps.store.queryRecords({ statuses: ['open'] });
  const finishedAt = deps.clock.now();
  const runs = runRecords(runner.scopes, {
    origin,
    startedAt,
    finishedAt,
    trigger: deps.trigger,
    source: deps.reader.source,
    open,
  });
  for (const run of runs) await deps.runs.putRun(run);
  const summaries = summarizeBatch(
    acc.transitions,
    origin,
    deps.evaluator.config.notifications.minSeverity,
    startedAt.toISOString(),
  );
  if (summaries.length > 0) await deps.summaries.publishSummaries(summaries);
  for (const run of runs)
    t.info('baseline run', {
      runId: run.runId,
      account: run.account,
      region: run.region,
      read: run.read,
      evaluated: run.evaluated,
      unreadable: run.unreadable,
      durationMs: run.durationMs,
    });
  return { batch: origin, runs, transitions: acc.transitions, summaries };
}
