import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { groupBusEvent, transitionBusEvent, transitionGroups, type TransitionGroup } from '../../drift/index.js';
import { PublishError } from '../../drift/index.js';
import type { Publisher } from '../../drift/index.js';
import type { DriftTransition } from '../../drift/index.js';

/** PutEvents accepts at most 10 entries per call. */
export const MAX_ENTRIES_PER_CALL = 10;

/** PutEvents accepts at most 256 KiB per call (the sum of the entries' sizes). */
export const MAX_BYTES_PER_CALL = 256 * 1024;

/**
 * The size EventBridge counts for an entry: UTF-8 bytes of Source, DetailType, Detail and each
 * Resources entry, plus 14 for Time.
 * @example entrySize({ Source: 'tpguard', DetailType: 'Drift Opened', Detail: '{}' }) // 21
 */
export function entrySize(e: PutEventsRequestEntry): number {
  const bytes = (s: string | undefined) => (s ? Buffer.byteLength(s, 'utf8') : 0);
  return (
    (e.Time ? 14 : 0) +
    bytes(e.Source) +
    bytes(e.DetailType) +
    bytes(e.Detail) +
    (e.Resources ?? []).reduce((n, r) => n + bytes(r), 0)
  );
}

/** What replaces evidence too large for one bus event (the notifier reads it from history anyway). */
export const OMITTED_EVIDENCE = { omitted: 'evidence over the size of a bus event' } as const;

export interface EventBridgePublisherOptions {
  busName: string;
  /** Attempts for entries that PutEvents reports as failed (FailedEntryCount), first call included. */
  maxAttempts?: number;
  /** First backoff; doubled each attempt, with full jitter. */
  baseDelayMs?: number;
  /** Injected for tests. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Publishes transitions to the tpguard bus: `source: tpguard`, detail-type `Drift Opened|...`,
 * detail = the transition (without tags), then one `Drift Transitions` event per (causing event,
 * owner) naming its transitions (what the notify function's rule matches: one message per group). At most 10 entries and 256 KiB per PutEvents (an entry
 * too large alone goes without its evidence); entries that fail (throttled,
 * internal) are retried with exponential backoff; what still fails throws {@link PublishError}
 * so that the ingest Lambda is retried (the store makes the retry idempotent and re-publishes).
 * Whole-call errors are retried by the SDK and then thrown.
 * @example await new EventBridgePublisher(new EventBridgeClient({}), { busName: 'tpguard-prod' }).publish(transitions)
 */
export class EventBridgePublisher implements Publisher {
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  public constructor(
    private readonly client: EventBridgeClient,
    private readonly options: EventBridgePublisherOptions,
  ) {
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
  }

  public async publish(transitions: readonly DriftTransition[]): Promise<void> {
    await this.putInBatches([
      ...transitions.map((t) => this.entryOf(t)),
      ...transitionGroups(transitions).map((g) => this.groupEntryOf(g)),
    ]);
  }

  /** Puts other tpguard events on the bus (batch summaries), in requests of at most 10 entries and 256 KiB, with the same retries. */
  public async putEntries(entries: readonly PutEventsRequestEntry[]): Promise<void> {
    await this.putInBatches(entries.map((e) => ({ ...e, EventBusName: this.options.busName })));
  }

  /** Sends entries in order, in requests of at most 10 entries and 256 KiB. */
  private async putInBatches(entries: readonly PutEventsRequestEntry[]): Promise<void> {
    let batch: PutEventsRequestEntry[] = [];
    let bytes = 0;
    for (const entry of entries) {
      const size = entrySize(entry);
      if (batch.length === MAX_ENTRIES_PER_CALL || (batch.length > 0 && bytes + size > MAX_BYTES_PER_CALL)) {
        await this.putBatch(batch);
        batch = [];
        bytes = 0;
      }
      batch.push(entry);
      bytes += size;
    }
    if (batch.length > 0) await this.putBatch(batch);
  }

  /** The entry of a transition, without its evidence when that would not fit one request (it never fails for size). */
  private entryOf(t: DriftTransition): PutEventsRequestEntry {
    const entry = this.entryOfExactly(t);
    if (entrySize(entry) <= MAX_BYTES_PER_CALL || !t.evidence) return entry;
    return this.entryOfExactly({ ...t, evidence: { ...OMITTED_EVIDENCE } });
  }

  /** The entry of a group (what the notify function's rule matches): small, it names its transitions only. */
  private groupEntryOf(g: TransitionGroup): PutEventsRequestEntry {
    const e = groupBusEvent(g);
    const time = new Date(e.time);
    return {
      EventBusName: this.options.busName,
      Source: e.source,
      DetailType: e.detailType,
      Detail: JSON.stringify(e.detail),
      Resources: e.resources,
      ...(Number.isFinite(time.getTime()) ? { Time: time } : {}),
    };
  }

  private entryOfExactly(t: DriftTransition): PutEventsRequestEntry {
    const e = transitionBusEvent(t);
    const time = new Date(e.time);
    return {
      EventBusName: this.options.busName,
      Source: e.source,
      DetailType: e.detailType,
      Detail: JSON.stringify(e.detail),
      Resources: e.resources,
      ...(Number.isFinite(time.getTime()) ? { Time: time } : {}),
    };
  }

  private async putBatch(batch: PutEventsRequestEntry[]): Promise<void> {
    let pending = batch;
    let lastError = '';
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      if (attempt > 1) await this.sleep(Math.round(this.random() * this.baseDelayMs * 2 ** (attempt - 2)));
      const out = await this.client.send(new PutEventsCommand({ Entries: pending }));
      if (!out.FailedEntryCount) return;
      const results = out.Entries ?? [];
      const failed = pending.filter((_, i) => results[i]?.ErrorCode !== undefined || results[i] === undefined);
      const first = results.find((r) => r.ErrorCode);
      lastError = first ? `${first.ErrorCode}: ${first.ErrorMessage ?? ''}`.trim() : 'unknown error';
      pending = failed.length > 0 ? failed : pending;
    }
    throw new PublishError(pending.length, `after ${this.maxAttempts} attempts, last ${lastError}`);
  }
}
