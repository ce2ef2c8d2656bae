import type { ObservationOrigin, ResourceRef } from '../sources/index.js';
import type { TimelineTransition } from './timeline.js';
import type { StateIntent } from './transitions.js';
import type { DriftHistoryEntry, DriftRecord, DriftStatus, DriftTransition } from './types.js';

/** What a write knows about the record it touches (the latest values win): the record's identity and facts. */
export type RecordFacts = Pick<
  DriftRecord,
  | 'driftId'
  | 'account'
  | 'region'
  | 'resourceType'
  | 'resourceId'
  | 'resourceArn'
  | 'ruleId'
  | 'title'
  | 'severity'
  | 'area'
  | 'tags'
  | 'taggedOwners'
  | 'packVersion'
> & { owner: string };

/** One state write: an intent at an event position. */
export interface StateChange {
  intent: StateIntent;
  facts: RecordFacts;
  eventId: string;
  eventTime: string;
  /** Principal of the observation, or the operator for manual actions. */
  actor?: string;
  /** The operator's display name beside a proven identity in `actor` (manual actions). */
  actorName?: string;
  /** The exception that suppresses (intent `suppress`). */
  exceptionId?: string;
  /** Why, for manual actions (kept with the resolution). */
  note?: string;
  /** Apply only when the record exists with one of these statuses (manual actions). */
  onlyFrom?: readonly DriftStatus[];
  /** An operator's or job's change, not an observation: does not count as an occurrence. */
  operator?: boolean;
  /** Set for a baseline read or a recorded backfill: kept with the transition slot, so the record says its origin. */
  origin?: ObservationOrigin;
  /**
   * Apply to the record exactly as it was read (its latest observation), instead of in event order:
   * an operator's change, whose time is a person's clock and no event time.
   */
  expect?: Pick<DriftRecord, 'lastSeen' | 'lastEventId'>;
}

/**
 * The result of a state write. `applied: false`: the record already saw a later observation
 * (or, with `onlyFrom`, is in another status); nothing changed.
 */
export type ChangeResult =
  | { applied: true; before?: DriftStatus; record: DriftRecord }
  | { applied: false; current?: DriftRecord };

/**
 * What a late observation changes on its record, besides history: written in one conditional
 * UpdateItem that holds only while the record is still as read (`expect`).
 */
export interface LatePatch {
  expect: Pick<DriftRecord, 'lastSeen' | 'lastEventId'>;
  /** A violation or suppression now precedes: later fixes resolve, later violations re-open. */
  violated?: boolean;
  /** An unverifiable observation now precedes: later fixes resolve. */
  unverified?: boolean;
  firstSeen?: string;
  /** The record's status changes (the late observation changed how its timeline ends). */
  status?: DriftStatus;
  /** The transition that starts the record's current run, when the late observation announced it. */
  current?: TimelineTransition;
}

/** Which drift records to list. */
export interface DriftQuery {
  statuses: readonly DriftStatus[];
  /** Most recently seen first; stop after this many. */
  limit?: number;
}

/** An input that can never become an observation, kept 30 days for the operator. */
export interface RejectedInput {
  receivedAt: string;
  /** Which intake saw it: a Lambda function name, `replay`, `serve`, ... */
  intake: string;
  where: string;
  reason: string;
  /** sha256 of the input, hex: the same input rejected twice is one item per second. */
  sha256: string;
  bytes: number;
  /** The start of the input with secret-like values redacted (at most 2 KiB). */
  excerpt?: string;
}

/**
 * The drift store port. Every write is one single-item conditional PutItem/UpdateItem, so the
 * same code behaves the same on DynamoDB and on the embedded store.
 */
export interface DriftStore {
  /** Writes the history entry if absent; `false` when it already exists (a duplicate delivery). */
  putHistory(entry: DriftHistoryEntry): Promise<boolean>;
  /** Applies an intent, conditional on event-time order; returns the status before and the record after. */
  applyChange(change: StateChange): Promise<ChangeResult>;
  getRecord(driftId: string): Promise<DriftRecord | undefined>;
  /** Applies a late observation's patch; undefined when the record changed since it was read. */
  applyLate(driftId: string, patch: LatePatch): Promise<DriftRecord | undefined>;
  /**
   * History entries next to an event time, at most `limit`: `upTo` those at or before it, latest
   * first; `from` those at or after it, earliest first.
   */
  historyNear(
    driftId: string,
    eventTime: string,
    direction: 'upTo' | 'from',
    limit: number,
  ): Promise<DriftHistoryEntry[]>;
  queryRecords(query: DriftQuery): Promise<DriftRecord[]>;
  listHistory(driftId: string): Promise<DriftHistoryEntry[]>;
  putRejected(input: RejectedInput): Promise<void>;
}

/** Publishes transitions (EventBridge when deployed, the in-process bus locally). At least once. */
export interface Publisher {
  publish(transitions: readonly DriftTransition[]): Promise<void>;
}

/**
 * The exception in force for a rule on a resource at a time, if any. Implemented over the
 * exceptions store by the review feature; it must not read DynamoDB per call on the hot path
 * (cache the active exceptions).
 */
export type ExceptionMatcher = (
  ruleId: string,
  resource: ResourceRef,
  at: string,
) => string | undefined | Promise<string | undefined>;

/** The default matcher: no exceptions. */
export const noExceptions: ExceptionMatcher = () => undefined;
