import { recordAsOf } from './late.js';
import type { DriftStore } from './store.js';
import {
  decides,
  EMPTY_TIMELINE,
  foldTimeline,
  inEventOrder,
  kindClass,
  stepTimeline,
  type TimelineEntry,
  timelineEntryOf,
} from './timeline.js';
import { orderKeyOf } from './transitions.js';
import type { DriftHistoryEntry, DriftRecord, DriftTransition, TransitionKind } from './types.js';

/**
 * What the store says about a transition named by an event on the bus. Anyone allowed to put
 * events on the bus can name any drift id (it is a hash of public facts), any kind and any time,
 * so the notifier sends only what this returns: the record's current transition, or a transition
 * its history makes (a delivery that arrived after later ones), rendered from the stored record and
 * the stored evidence, never from the event.
 */
export type StoredTransition =
  | { found: true; transition: DriftTransition; current: boolean }
  | { found: false; reason: 'missing' | 'unsupported' };

/** What a bus event claims: the record, the kind, the causing event and its time. */
export interface TransitionClaim {
  driftId: string;
  kind: TransitionKind;
  eventId: string;
  eventTime: string;
}

/** History entries read to check a past transition (its event and the ones that decide the state before it). */
const CHECK_WINDOW = 50;

function transitionOf(
  record: DriftRecord,
  t: { kind: TransitionKind; eventId: string; eventTime: string; by?: string; note?: string },
  entry: DriftHistoryEntry | undefined,
  current: boolean,
): StoredTransition {
  const transition: DriftTransition = {
    kind: t.kind,
    eventId: t.eventId,
    eventTime: t.eventTime,
    record: current ? record : recordAsOf(record, t),
  };
  if (entry?.evidence) transition.evidence = entry.evidence;
  // Made by a batch (a baseline read, a recorded backfill): its people hear it in the batch's summary.
  if (entry?.origin && entry.batchId) transition.batch = { kind: entry.origin, batchId: entry.batchId, label: '' };
  if (!current) transition.late = true;
  return { found: true, transition, current };
}

/** The history entry of an event, read from the entries at or before its time. */
async function entriesUpTo(store: Pick<DriftStore, 'historyNear'>, driftId: string, eventTime: string) {
  return store.historyNear(driftId, eventTime, 'upTo', CHECK_WINDOW);
}

/**
 * The transition a claim names, as the store has it, or why there is none. The record's current
 * transition matches on kind (opened and reopened alike) and event id; any other must be made by
 * the history at the claimed time: its event recorded there, and the deciding observations before
 * it leading to a transition of that kind.
 * @example const stored = await storedTransition(store, { driftId, kind: 'resolved', eventId, eventTime })
 */
export async function storedTransition(
  store: Pick<DriftStore, 'getRecord' | 'historyNear'>,
  claim: TransitionClaim,
): Promise<StoredTransition> {
  const record = await store.getRecord(claim.driftId);
  if (!record) return { found: false, reason: 'missing' };
  if (claim.kind === 'escalated') return { found: false, reason: 'unsupported' }; // made by the digest, never on the bus
  const last = record.lastTransition;
  if (last && last.eventId === claim.eventId && kindClass(last.kind) === kindClass(claim.kind)) {
    const entries = await entriesUpTo(store, claim.driftId, last.at);
    return transitionOf(
      record,
      { ...last, eventTime: last.at },
      entries.find((h) => h.eventId === last.eventId),
      true,
    );
  }
  const entries = await entriesUpTo(store, claim.driftId, claim.eventTime);
  const entry = entries.find((h) => h.eventId === claim.eventId && h.eventTime === claim.eventTime);
  const own = entry && timelineEntryOf(entry);
  if (!own) return { found: false, reason: 'unsupported' };
  const prior = inEventOrder(
    entries
      .filter((h) => h.eventId !== own.eventId)
      .map(timelineEntryOf)
      .filter((e): e is TimelineEntry => e !== undefined && orderKeyOf(e) < orderKeyOf(own)),
  );
  let i = prior.length - 1;
  while (i >= 0 && !decides(prior[i]!.intent)) i--;
  const violated = record.firstSeen !== undefined && record.firstSeen < own.eventTime;
  const start = i < 0 ? EMPTY_TIMELINE : { ...EMPTY_TIMELINE, violated };
  const before = foldTimeline(prior.slice(Math.max(0, i)), start).state;
  const made = stepTimeline(before, own).transition;
  if (!made || kindClass(made.kind) !== kindClass(claim.kind)) return { found: false, reason: 'unsupported' };
  return transitionOf(record, made, entry, false);
}
