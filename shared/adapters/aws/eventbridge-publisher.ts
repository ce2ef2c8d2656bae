import { type EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { transitionBusEvent } from '../../drift/index.js';
import { PublishError } from '../../drift/index.js';
import type { Publisher } from '../../drift/index.js';
import type { DriftTransition } from '../../drift/index.js';

/** PutEvents accepts at most 10 entries per call. */
export const MAX_ENTRIES_PER_CALL = 10;

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
 * detail = the transition. At most 10 entries per PutEvents; entries that fail (throttled,
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
    const entries = transitions.map((t) => this.entryOf(t));
    for (let i = 0; i < entries.length; i += MAX_ENTRIES_PER_CALL)
      await this.putBatch(entries.slice(i, i + MAX_ENTRIES_PER_CALL));
  }

  /** Puts other tpguard events on the bus (batch summaries), with the same chunking and retries. */
  public async putEntries(entries: readonly PutEventsRequestEntry[]): Promise<void> {
    for (let i = 0; i < entries.length; i += MAX_ENTRIES_PER_CALL)
      await this.putBatch(
        entries.slice(i, i + MAX_ENTRIES_PER_CALL).map((e) => ({ ...e, EventBusName: this.options.busName })),
      );
  }

  private entryOf(t: DriftTransition): PutEventsRequestEntry {
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
