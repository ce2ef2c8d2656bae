import { LatePlacementError } from './errors.js';
import type { DriftStore, LatePatch } from './store.js';
import {
  decides,
  EMPTY_TIMELINE,
  inEventOrder,
  kindClass,
  lateChange,
  stepTimeline,
  type TimelineEntry,
  type TimelineState,
  type TimelineTransition,
  timelineEntryOf,
} from './timeline.js';
import { Intents, orderKeyOf } from './transitions.js';
import type { DriftRecord, DriftStatus, DriftTransition, TransitionKind } from './types.js';

/**
 * An observation that arrives after later ones (EventBridge does not order deliveries, a backfill
 * replays the past): it is already in history; here it is placed in its record's timeline. The
 * history next to it (read on this rare path only) says what came before and after; when it changes
 * what happened, the record is corrected in one conditional write and its transitions are returned
 * for publishing, so the owner hears about a violation window whatever the arrival order.
 */

/** History entries read on each side of a late observation (its neighbours, rarely more than one or two). */
export const LATE_NEIGHBOURS = 50;

/** Attempts when the record changes between the read and the write (a concurrent delivery). */
const ATTEMPTS = 3;

const STATUS_OF_KIND: Readonly<Record<TransitionKind, DriftStatus>> = {
  opened: 'open',
  reopened: 'open',
  escalated: 'open',
  suppressed: 'suppressed',
  resolved: 'resolved',
  unverifiable: 'unverifiable',
};

/**
 * The record as it stood right after a transition of its timeline: for publishing a past
 * transition, and for the notifier rendering it (the current record with that transition's status,
 * time and principal).
 * @example recordAsOf(record, { kind: 'resolved', eventId: 'e2', eventTime: 't2', by: 'arn:...' }).status // 'resolved'
 */
export function recordAsOf(record: DriftRecord, t: TimelineTransition): DriftRecord {
  const view: DriftRecord = { ...record, status: STATUS_OF_KIND[t.kind] };
  view.lastTransition = { kind: t.kind, eventId: t.eventId, at: t.eventTime };
  if (t.by) view.actor = t.by;
  else delete view.actor;
  delete view.resolvedAt;
  delete view.resolvedBy;
  delete view.resolvedReason;
  delete view.resolvedByName;
  if (t.kind === 'resolved') {
    view.resolvedAt = t.eventTime;
    if (t.by) view.resolvedBy = t.by;
    if (t.note) view.resolvedReason = t.note;
  }
  if (view.status !== 'suppressed') delete view.exceptionId;
  return view;
}

/** The neighbours of a late observation in event order, without it. */
async function neighbours(store: DriftStore, driftId: string, late: TimelineEntry) {
  const [upTo, from] = await Promise.all([
    store.historyNear(driftId, late.eventTime, 'upTo', LATE_NEIGHBOURS),
    store.historyNear(driftId, late.eventTime, 'from', LATE_NEIGHBOURS),
  ]);
  const seen = new Set<string>([late.eventId]);
  const entries: TimelineEntry[] = [];
  for (const h of [...upTo, ...from]) {
    if (seen.has(h.eventId)) continue;
    seen.add(h.eventId);
    const e = timelineEntryOf(h);
    if (e) entries.push(e);
  }
  const key = orderKeyOf(late);
  const sorted = inEventOrder(entries);
  return {
    prior: sorted.filter((e) => orderKeyOf(e) < key),
    next: sorted.filter((e) => orderKeyOf(e) > key),
    /** Whether the read reached the end of history after it. */
    wholeAfter: from.length < LATE_NEIGHBOURS,
  };
}

/** The state right after the latest deciding entry before the late one, and the entries since. */
function stretchBefore(prior: TimelineEntry[], record: DriftRecord): { before: TimelineState; since: TimelineEntry[] } {
  let i = prior.length - 1;
  while (i >= 0 && !decides(prior[i]!.intent)) i--;
  if (i < 0) return { before: EMPTY_TIMELINE, since: prior };
  const d = prior[i]!;
  // Whether anything was out of policy before it: the record's first violation tells.
  const violated = record.firstSeen !== undefined && record.firstSeen < d.eventTime;
  const { state } = stepTimeline({ status: undefined, violated, unverified: false }, d);
  return { before: state, since: prior.slice(i + 1) };
}

/** The known entries after the late one up to the first deciding one; `reachesEnd` when none decides. */
function stretchAfter(next: TimelineEntry[]): { until: TimelineEntry[]; reachesEnd: boolean } {
  const i = next.findIndex((e) => decides(e.intent));
  return i < 0 ? { until: next, reachesEnd: true } : { until: next.slice(0, i + 1), reachesEnd: false };
}

function patchFor(
  record: DriftRecord,
  late: TimelineEntry,
  change: ReturnType<typeof lateChange>,
  reachesEnd: boolean,
): LatePatch | undefined {
  const patch: LatePatch = { expect: { lastSeen: record.lastSeen, lastEventId: record.lastEventId } };
  const violating = late.intent === Intents.violation || late.intent === Intents.suppress;
  if (violating && (record.firstSeen === undefined || late.eventTime < record.firstSeen)) {
    patch.violated = true;
    patch.firstSeen = late.eventTime;
  }
  if (late.intent === Intents.unverifiable && record.status === 'compliant') patch.unverified = true;
  const announced =
    change.lastRunStart && change.publish.includes(change.lastRunStart) ? change.lastRunStart : undefined;
  if (reachesEnd) {
    const status = change.end.status;
    if (status && (status !== record.status || announced)) patch.status = status;
    if (announced) patch.current = announced;
  } else if (record.status === 'compliant' && (violating || late.intent === Intents.unverifiable)) {
    // Its timeline now has an episode before the end: closed, but resolved rather than never out of policy.
    patch.status = 'resolved';
    const fix = change.publish.find((t) => t.kind === 'resolved');
    if (fix) patch.current = fix;
  }
  return Object.keys(patch).length > 1 ? patch : undefined;
}

/** The transitions to publish: the kind already stored for an opening of the same event wins (one decision per event). */
function toPublish(
  record: DriftRecord,
  publish: readonly TimelineTransition[],
  evidence: Record<string, unknown> | undefined,
  late: TimelineEntry,
  republished: boolean,
): DriftTransition[] {
  return publish.map((t) => {
    const stored = record.lastTransition;
    const same = stored?.eventId === t.eventId && kindClass(stored.kind) === kindClass(t.kind);
    const tt = same ? { ...t, kind: stored!.kind } : t;
    const out: DriftTransition = {
      kind: tt.kind,
      eventId: tt.eventId,
      eventTime: tt.eventTime,
      record: recordAsOf(record, tt),
      late: true,
    };
    if (evidence && tt.eventId === late.eventId) out.evidence = evidence;
    if (republished) out.republished = true;
    return out;
  });
}

export interface LateObservation {
  driftId: string;
  entry: TimelineEntry;
  evidence?: Record<string, unknown>;
  /** The record as the failed write found it, when known (saves a read). */
  current?: DriftRecord;
  /** A repeated delivery: publish again, the notifier dedupes. */
  republished: boolean;
}

/**
 * Places a late observation in its record's timeline and returns the transitions it adds (none when
 * it changes nothing: an older repeat inside a known episode, a fix before the drift began).
 * At most one write (the record's correction), conditional on the record not having moved since
 * it was read; a concurrent change is retried, then thrown (the delivery is retried).
 * @example const transitions = await onLate(store, { driftId, entry, republished: false })
 */
export async function onLate(store: DriftStore, o: LateObservation): Promise<DriftTransition[]> {
  let current = o.current;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    const record = current ?? (await store.getRecord(o.driftId));
    current = undefined;
    if (!record) return [];
    const { prior, next, wholeAfter } = await neighbours(store, o.driftId, o.entry);
    const { before, since } = stretchBefore(prior, record);
    const { until, reachesEnd } = stretchAfter(next);
    const change = lateChange(before, [...since, ...until], o.entry);
    const patch = patchFor(record, o.entry, change, reachesEnd && wholeAfter);
    const updated = patch ? await store.applyLate(o.driftId, patch) : record;
    if (!updated) continue;
    return toPublish(updated, change.publish, o.evidence, o.entry, o.republished);
  }
  throw new LatePlacementError(o.driftId);
}
