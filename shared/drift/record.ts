import { createHash } from 'node:crypto';
import type { ObservationOrigin } from '../sources/index.js';
import { DriftNotFoundError, DriftStatusError } from './errors.js';
import { onLate } from './late.js';
import type { DriftStore, RecordFacts, StateChange } from './store.js';
import { Intents, isAfter, transitionOf, type Intent, type StateIntent } from './transitions.js';
import type { DriftHistoryEntry, DriftRecord, DriftStatus, DriftTransition } from './types.js';

/** One (event, rule, resource) finding, ready to record. */
export interface ObservedFinding {
  facts: RecordFacts;
  intent: Intent;
  verdict: 'violation' | 'pass' | 'cannot-evaluate';
  /** Why the rule could not judge the event (verdict `cannot-evaluate`), secrets redacted. */
  reason?: string;
  eventId: string;
  eventTime: string;
  /** Event source (cloudtrail, guardduty, ...), kept in history. */
  source: string;
  actor?: string;
  exceptionId?: string;
  /** Already redacted and capped (see evidenceOf). */
  evidence?: Record<string, unknown>;
  /** Set when the observation is a baseline read (its transitions are alerted in one summary). */
  origin?: ObservationOrigin;
}

/** What recording a finding did. */
export const Outcomes = {
  /** The record changed (or was confirmed) by this observation. */
  applied: 'applied',
  /** Compliant observation without a resolve condition: history only. */
  observed: 'observed',
  /** Older than the record's latest observation: history only, no state change. */
  stale: 'stale',
  /**
   * Older than the record's latest observation, and it changes what the timeline says happened
   * (a violation before the fix that ended it, a fix inside an episode): its transitions are
   * published late, as if the events had arrived in order.
   */
  late: 'late',
  /** Seen before: nothing written; its transition is returned again if it made the latest one. */
  duplicate: 'duplicate',
  /** Seen before, but its state write had not happened (a crash in between): applied now. */
  recovered: 'recovered',
} as const;
export type Outcome = (typeof Outcomes)[keyof typeof Outcomes];

export interface RecordOutcome {
  outcome: Outcome;
  driftId: string;
  /** The transition to publish, if this observation made one (or made the latest one, for a duplicate). */
  transition?: DriftTransition;
  /** Transitions a late observation adds to the record's timeline (its own and its successors'), in event order. */
  late?: DriftTransition[];
}

function historyEntryOf(f: ObservedFinding, recordedAt: string): DriftHistoryEntry {
  const entry: DriftHistoryEntry = {
    driftId: f.facts.driftId,
    eventId: f.eventId,
    eventTime: f.eventTime,
    verdict: f.verdict,
    packVersion: f.facts.packVersion,
    ruleId: f.facts.ruleId,
    source: f.source,
    intent: f.intent,
    recordedAt,
  };
  if (f.actor) entry.actor = f.actor;
  if (f.exceptionId) entry.exceptionId = f.exceptionId;
  if (f.evidence) entry.evidence = f.evidence;
  if (f.origin) {
    entry.origin = f.origin.kind;
    entry.batchId = f.origin.batchId;
  }
  if (f.reason) entry.reason = f.reason;
  return entry;
}

function changeOf(f: ObservedFinding, intent: StateIntent): StateChange {
  const change: StateChange = { intent, facts: f.facts, eventId: f.eventId, eventTime: f.eventTime };
  if (f.actor) change.actor = f.actor;
  if (f.exceptionId) change.exceptionId = f.exceptionId;
  if (f.origin) change.origin = f.origin;
  return change;
}

export function transitionFor(
  record: DriftRecord,
  before: DriftStatus | undefined,
  f: { eventId: string; eventTime: string; evidence?: Record<string, unknown>; origin?: ObservationOrigin },
): DriftTransition | undefined {
  let kind = transitionOf(before, record.status);
  if (!kind) return undefined;
  // Whether an opening re-opens is the store's to say (it knows whether anything was out of policy before).
  const stored = record.lastTransition;
  if ((kind === 'opened' || kind === 'reopened') && stored?.eventId === f.eventId) kind = stored.kind;
  const t: DriftTransition = { kind, eventId: f.eventId, eventTime: f.eventTime, record };
  if (f.evidence) t.evidence = f.evidence;
  if (f.origin) t.batch = f.origin;
  return t;
}

async function applyState(
  store: DriftStore,
  f: ObservedFinding,
  intent: StateIntent,
  outcome: Outcome,
): Promise<RecordOutcome> {
  const result = await store.applyChange(changeOf(f, intent));
  const driftId = f.facts.driftId;
  if (!result.applied) return lateOutcome(store, f, intent, result.current, false);
  const transition = transitionFor(result.record, result.before, f);
  return transition ? { outcome, driftId, transition } : { outcome, driftId };
}

/** The rare path: the history entry exists. One read decides between recovery, re-publish and nothing. */
async function onDuplicate(store: DriftStore, f: ObservedFinding, intent: StateIntent): Promise<RecordOutcome> {
  const driftId = f.facts.driftId;
  const record = await store.getRecord(driftId);
  if (!record || isAfter({ ...f, intent }, positionOf(record))) {
    return applyState(store, f, intent, Outcomes.recovered);
  }
  const last = record.lastTransition;
  if (record.lastEventId === f.eventId && (!last || last.eventId !== f.eventId))
    return { outcome: Outcomes.duplicate, driftId };
  if (!last || last.eventId !== f.eventId) {
    // An older observation seen before: what it adds to the timeline is published again (at least
    // once: the first delivery may have crashed before publishing); the notifier dedupes.
    const late = await lateOutcome(store, f, intent, record, true);
    return late.late ? { ...late, outcome: Outcomes.duplicate } : { outcome: Outcomes.duplicate, driftId };
  }
  // Publishing is at least once: a crash between the write and the publish must not lose it.
  const transition: DriftTransition = {
    kind: last.kind,
    eventId: f.eventId,
    eventTime: f.eventTime,
    record,
    republished: true,
  };
  if (f.evidence) transition.evidence = f.evidence;
  if (f.origin) transition.batch = f.origin;
  return { outcome: Outcomes.duplicate, driftId, transition };
}

/** The ordering position of a record's latest observation (records written before intents were stored count as fixes). */
function positionOf(r: DriftRecord): { eventTime: string; eventId: string; intent: StateIntent } {
  return { eventTime: r.lastSeen, eventId: r.lastEventId, intent: r.lastIntent ?? Intents.resolve };
}

async function lateOutcome(
  store: DriftStore,
  f: ObservedFinding,
  intent: StateIntent,
  current: DriftRecord | undefined,
  republished: boolean,
): Promise<RecordOutcome> {
  const driftId = f.facts.driftId;
  const late = await onLate(store, {
    driftId,
    entry: { eventId: f.eventId, eventTime: f.eventTime, intent, ...(f.actor ? { by: f.actor } : {}) },
    ...(f.evidence ? { evidence: f.evidence } : {}),
    ...(current ? { current } : {}),
    republished,
  });
  // What a batched observation (a baseline, a recorded backfill) adds to the timeline is news of its batch.
  if (f.origin) for (const t of late) t.batch = f.origin;
  return late.length > 0 ? { outcome: Outcomes.late, driftId, late } : { outcome: Outcomes.stale, driftId };
}

/**
 * Records one finding: (1) the history entry, written only if absent, is the idempotency marker;
 * (2) one conditional write applies the intent in event-time order and tells the status before,
 * from which the transition follows; (3) the caller publishes the transition. At most two writes,
 * one for a duplicate; no read except on the duplicate path. An observation older than the record's
 * latest (the write's condition failed) is placed in the timeline from the history next to it: when it
 * changes what happened (a violation before the fix that ended it), the record is corrected (one more
 * write) and the transitions it adds are returned in `late`.
 * @example const { transition } = await recordFinding(store, finding, new Date().toISOString())
 */
export async function recordFinding(store: DriftStore, f: ObservedFinding, recordedAt: string): Promise<RecordOutcome> {
  const created = await store.putHistory(historyEntryOf(f, recordedAt));
  const driftId = f.facts.driftId;
  if (f.intent === Intents.observe) return { outcome: created ? Outcomes.observed : Outcomes.duplicate, driftId };
  if (created) return applyState(store, f, f.intent, Outcomes.applied);
  return onDuplicate(store, f, f.intent);
}

/** An operator's (or a scheduled job's) change to a record: resolve by hand, re-open after an exception expired, ... */
export interface OperatorChange {
  driftId: string;
  intent: StateIntent;
  /** Who: the operator's identity (role session ARN deployed, typed name locally), or the job (`review-reminder`). */
  by: string;
  /** The display name typed beside a proven identity in `by`. */
  byName?: string;
  /** Why: kept in history and on the record. */
  reason: string;
  /** The statuses the record must have. */
  onlyFrom: readonly DriftStatus[];
  exceptionId?: string;
  now: Date;
}

export function factsOf(r: DriftRecord): RecordFacts {
  const facts: RecordFacts = {
    driftId: r.driftId,
    account: r.account,
    region: r.region,
    resourceType: r.resourceType,
    resourceId: r.resourceId,
    ruleId: r.ruleId,
    title: r.title,
    severity: r.severity,
    area: r.area,
    owner: r.owner ?? 'default',
    packVersion: r.packVersion,
  };
  if (r.resourceArn) facts.resourceArn = r.resourceArn;
  if (r.tags) facts.tags = r.tags;
  if (r.taggedOwners) facts.taggedOwners = r.taggedOwners;
  return facts;
}

/**
 * How far ahead of the operator's clock a record's latest time is still believed: demo data and a
 * `--now` in the past can disagree by days, but a record dated years ahead was forged (or written
 * before intake rejected future dates) and must not lock the operator out.
 */
const OPERATOR_MAX_LEAD_MS = 366 * 24 * 3_600_000;

/**
 * The operator's action takes effect after the record's latest observation (clocks and demo data
 * can disagree), unless that is dated implausibly far ahead (a year-9999 time): the change then
 * takes the operator's time, so real events after it apply again. Never a year past 9999, whose
 * ISO form (`+010000-...`) would sort before every real time.
 */
function positionAfter(record: DriftRecord, now: Date, c: OperatorChange): { eventTime: string; eventId: string } {
  const last = Date.parse(record.lastSeen);
  const believed = Number.isFinite(last) && last <= now.getTime() + OPERATOR_MAX_LEAD_MS;
  const at = believed && last >= now.getTime() ? new Date(last + 1) : now;
  const eventTime = at.toISOString();
  const hash = createHash('sha256')
    .update([c.driftId, c.intent, c.by, eventTime].join('\u0000'))
    .digest('hex')
    .slice(0, 16);
  return { eventTime, eventId: `op-${hash}` };
}

/**
 * Applies an operator change through the same conditional write as observations, then records it
 * in history (verdict `manual`). Returns the transition to publish. Throws {@link DriftNotFoundError}
 * or {@link DriftStatusError} (also when the record changed concurrently).
 * @example await applyOperatorChange(store, { driftId, intent: 'resolve', by: 'alice', reason: 'bucket deleted', onlyFrom: ['open', 'suppressed'], now: new Date() })
 */
export async function applyOperatorChange(store: DriftStore, c: OperatorChange): Promise<DriftTransition | undefined> {
  const record = await store.getRecord(c.driftId);
  if (!record) throw new DriftNotFoundError(c.driftId);
  if (!c.onlyFrom.includes(record.status)) throw new DriftStatusError(c.driftId, record.status, c.onlyFrom);
  const pos = positionAfter(record, c.now, c);
  const change: StateChange = {
    intent: c.intent,
    facts: factsOf(record),
    ...pos,
    actor: c.by,
    note: c.reason,
    onlyFrom: c.onlyFrom,
    operator: true,
    expect: { lastSeen: record.lastSeen, lastEventId: record.lastEventId },
  };
  if (c.byName) change.actorName = c.byName;
  if (c.exceptionId) change.exceptionId = c.exceptionId;
  const result = await store.applyChange(change);
  if (!result.applied) {
    const now = await store.getRecord(c.driftId);
    throw new DriftStatusError(c.driftId, now?.status ?? record.status, c.onlyFrom);
  }
  const transition = transitionFor(result.record, result.before, pos);
  const entry: DriftHistoryEntry = {
    driftId: c.driftId,
    ...pos,
    verdict: 'manual',
    actor: c.by,
    note: c.reason,
    packVersion: record.packVersion,
    ruleId: record.ruleId,
    intent: c.intent,
    recordedAt: c.now.toISOString(),
  };
  if (transition) entry.transition = transition.kind;
  if (c.exceptionId) entry.exceptionId = c.exceptionId;
  if (c.byName) entry.actorName = c.byName;
  await store.putHistory(entry);
  return transition;
}

/**
 * Resolves open or suppressed drift by hand (`tpguard drift resolve`). `by` is the operator's
 * identity; `byName` the display name typed beside a proven identity.
 * @example const t = await resolveManually(store, 'd-0123…', 'alice', 'bucket deleted', new Date())
 */
export async function resolveManually(
  store: DriftStore,
  driftId: string,
  by: string,
  reason: string,
  now: Date,
  byName?: string,
): Promise<DriftTransition> {
  const t = await applyOperatorChange(store, {
    driftId,
    intent: Intents.resolve,
    by,
    reason,
    onlyFrom: ['open', 'suppressed'],
    now,
    ...(byName ? { byName } : {}),
  });
  // open/suppressed -> resolve always makes the 'resolved' transition.
  return t!;
}
