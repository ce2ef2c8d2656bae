import type { Severity } from '../kernel/index.js';
import type { ObservationOrigin, OriginKind } from '../sources/index.js';

/**
 * The drift contract shared by the ingest handlers, the store, the notifier, the
 * review cycle and the report. A drift record is one (account, region, resource, rule).
 */

/**
 * Status of a drift record. `compliant`: observed, never out of policy (kept for event-time ordering).
 * `unverifiable`: the latest observation could not be judged because of what the event carried
 * (a truncated field, a value too deep or too large, an expression error): alerted like drift.
 */
export const DriftStatuses = ['open', 'resolved', 'suppressed', 'compliant', 'unverifiable'] as const;
export type DriftStatus = (typeof DriftStatuses)[number];

/** What a state change of a drift record is called. */
export const TransitionKinds = ['opened', 'resolved', 'reopened', 'suppressed', 'escalated', 'unverifiable'] as const;
export type TransitionKind = (typeof TransitionKinds)[number];

/** The EventBridge detail-type of each transition on the tpguard bus (`source: tpguard`). */
export const TRANSITION_DETAIL_TYPES: Readonly<Record<TransitionKind, string>> = {
  opened: 'Drift Opened',
  resolved: 'Drift Resolved',
  reopened: 'Drift Reopened',
  suppressed: 'Drift Suppressed',
  escalated: 'Drift Escalated',
  unverifiable: 'Drift Unverifiable',
};

export const TPGUARD_EVENT_SOURCE = 'tpguard';

/** The drift record as stored and as published (the `detail` of a transition event). */
export interface DriftRecord {
  /** Stable id: a hash of account, region, resource type, resource id and rule id. */
  driftId: string;
  account: string;
  region: string;
  resourceType: string;
  resourceId: string;
  resourceArn?: string;
  ruleId: string;
  title: string;
  severity: Severity;
  /** Policy area (the rule's folder): sagemaker, s3, iam, ... */
  area: string;
  status: DriftStatus;
  /** Time of the first violating observation. */
  firstSeen?: string;
  /** Time of the latest observation that changed or confirmed the state. */
  lastSeen: string;
  /** How many violating observations were recorded. */
  occurrences: number;
  /** The event that last changed or confirmed the record (event-time ordering key with lastSeen). */
  lastEventId: string;
  /** What the latest applied observation asked (violation, suppress, unverifiable, resolve): breaks ties of lastSeen. */
  lastIntent?: 'violation' | 'suppress' | 'unverifiable' | 'resolve';
  /** Principal of the latest observation. */
  actor?: string;
  /** Owner (team name) the configuration names (`owners.resources`, else `default`): always alerted. */
  owner?: string;
  /** Teams the resource's owner tag (`owners.byTag`) names besides the owner: alerted as well, never instead. */
  taggedOwners?: string[];
  tags?: Record<string, string>;
  packVersion: string;
  openedAt?: string;
  resolvedAt?: string;
  /**
   * Who or what resolved it: a principal ARN for an event; for a manual resolution the operator's
   * proven identity against a deployed stack (the role session ARN), else the name typed locally.
   */
  resolvedBy?: string;
  /** The display name the operator typed (`--by`) beside a proven `resolvedBy`. */
  resolvedByName?: string;
  /** The operator's reason, for drift resolved by hand. */
  resolvedReason?: string;
  /** Exception that suppresses it. */
  exceptionId?: string;
  /** The latest transition, with the event that made it. */
  lastTransition?: { kind: TransitionKind; eventId: string; at: string };
  /**
   * `baseline` when the current status was set by a read of the current state (a baseline run or
   * a Config snapshot), `backfill` when by a `--record` backfill of the archive, rather than by a
   * live change event: drift a baseline or a backfill opened, resolved or found gone.
   */
  origin?: OriginKind;
}

/** One transition, as published on the tpguard bus and handled by the notifier. */
export interface DriftTransition {
  kind: TransitionKind;
  /** The event (or operator action id) that caused it. */
  eventId: string;
  eventTime: string;
  record: DriftRecord;
  /** Redacted evidence: the event fields the rule looked at (never secrets). */
  evidence?: Record<string, unknown>;
  /**
   * Set when a duplicate delivery of the causing event publishes this transition again
   * (publishing is at least once, so that a crash between the write and the publish loses
   * nothing). Consumers dedupe by kind and eventId; displays may skip it.
   */
  republished?: boolean;
  /**
   * The batch a baseline transition belongs to: the notifier alerts the whole batch as one summary
   * per owner and channel (shared/notify/batch.ts) instead of one message per transition.
   */
  batch?: ObservationOrigin;
  /**
   * Set when the transition is published after later observations of the record: its event (or the
   * violation it closes) arrived after events that happened later. The owner learns about the episode
   * all the same, with the same transitions as if the events had arrived in order.
   */
  late?: boolean;
}

/** A history entry: every observation of a drift record, kept for audit. */
export interface DriftHistoryEntry {
  driftId: string;
  eventId: string;
  eventTime: string;
  /** `gone`: a baseline found the resource no longer exists (the drift is resolved with the read as evidence). */
  verdict: 'violation' | 'pass' | 'manual' | 'cannot-evaluate' | 'gone';
  /** The transition this observation made, if any. */
  transition?: TransitionKind;
  actor?: string;
  /** The display name typed beside a proven operator identity in `actor` (manual entries). */
  actorName?: string;
  packVersion: string;
  evidence?: Record<string, unknown>;
  note?: string;
  /** Why the rule could not judge the event (verdict `cannot-evaluate`), secrets redacted. */
  reason?: string;
  /** The rule, so history can be read per rule without the record. */
  ruleId?: string;
  /** Event source: cloudtrail, guardduty, config, sagemaker, bedrock (absent for manual entries). */
  source?: string;
  /** What the observation asked of the record: violation, suppress, resolve or observe (shared/drift/transitions.ts). */
  intent?: string;
  /** The exception that suppressed this violation. */
  exceptionId?: string;
  /** When tpguard recorded it (not the event time). */
  recordedAt?: string;
  /** `baseline` for a read of the current state, `backfill` for a recorded backfill; with its batch (run, snapshot, backfill batch). */
  origin?: OriginKind;
  batchId?: string;
}
