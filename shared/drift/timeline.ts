import { INTENT_RANK, Intents, orderKeyOf, type StateIntent } from './transitions.js';
import type { DriftHistoryEntry, DriftStatus, TransitionKind } from './types.js';

/**
 * A record's observations in event order (the timeline) and what they make of it: the pure model
 * behind the store's conditional writes, and what the store consults when an observation arrives
 * after later ones (EventBridge does not order deliveries). Observations are ordered by event time,
 * ties by intent rank (a violation wins: equal times fail closed), then event id.
 */

/** One observation that can change the record (observe-only passes are left out). */
export interface TimelineEntry {
  eventId: string;
  eventTime: string;
  intent: StateIntent;
  /** The principal of the observation, or the operator. */
  by?: string;
  /** The operator's reason. */
  note?: string;
}

/** The state after some prefix of the timeline. */
export interface TimelineState {
  status: DriftStatus | undefined;
  /** A violation or suppression came before: a fix resolves, a violation re-opens. */
  violated: boolean;
  /** An unverifiable observation came before: a fix resolves. */
  unverified: boolean;
}

/** A transition the timeline makes, at the observation that makes it. */
export interface TimelineTransition {
  kind: TransitionKind;
  eventId: string;
  eventTime: string;
  by?: string;
  note?: string;
}

export const EMPTY_TIMELINE: TimelineState = Object.freeze({ status: undefined, violated: false, unverified: false });

const IN_EPISODE: ReadonlySet<DriftStatus | undefined> = new Set<DriftStatus | undefined>([
  'open',
  'suppressed',
  'unverifiable',
]);

function kindOf(s: TimelineState, e: TimelineEntry): { status: DriftStatus; kind?: TransitionKind } {
  switch (e.intent) {
    case Intents.violation:
      return s.status === 'open' ? { status: 'open' } : { status: 'open', kind: s.violated ? 'reopened' : 'opened' };
    case Intents.suppress:
      return s.status === 'suppressed' ? { status: 'suppressed' } : { status: 'suppressed', kind: 'suppressed' };
    case Intents.unverifiable:
      if (s.status === 'open' || s.status === 'suppressed') return { status: s.status };
      return s.status === 'unverifiable'
        ? { status: 'unverifiable' }
        : { status: 'unverifiable', kind: 'unverifiable' };
    default:
      if (IN_EPISODE.has(s.status)) return { status: 'resolved', kind: 'resolved' };
      return { status: s.violated || s.unverified || s.status === 'resolved' ? 'resolved' : 'compliant' };
  }
}

/**
 * One observation applied to a state: the state after it, and the transition it makes, if any.
 * @example stepTimeline(EMPTY_TIMELINE, { eventId: 'e1', eventTime: 't', intent: 'violation' }).transition?.kind // 'opened'
 */
export function stepTimeline(
  s: TimelineState,
  e: TimelineEntry,
): { state: TimelineState; transition?: TimelineTransition } {
  const { status, kind } = kindOf(s, e);
  const state: TimelineState = {
    status,
    violated: s.violated || e.intent === Intents.violation || e.intent === Intents.suppress,
    unverified: s.unverified || e.intent === Intents.unverifiable,
  };
  if (!kind) return { state };
  const t: TimelineTransition = { kind, eventId: e.eventId, eventTime: e.eventTime };
  if (e.by) t.by = e.by;
  if (e.note) t.note = e.note;
  return { state, transition: t };
}

/** Sorts entries into event order (time, intent rank, event id). */
export function inEventOrder<T extends TimelineEntry>(entries: readonly T[]): T[] {
  return [...entries].sort((a, b) => (orderKeyOf(a) < orderKeyOf(b) ? -1 : orderKeyOf(a) > orderKeyOf(b) ? 1 : 0));
}

/**
 * Every transition of a whole timeline, in event order, and the state it ends in: what the record
 * says when every observation arrived in order.
 * @example foldTimeline([violation, fix]).transitions.map((t) => t.kind) // ['opened', 'resolved']
 */
export function foldTimeline(
  entries: readonly TimelineEntry[],
  from: TimelineState = EMPTY_TIMELINE,
): { state: TimelineState; transitions: TimelineTransition[]; states: TimelineState[] } {
  let state = from;
  const transitions: TimelineTransition[] = [];
  const states: TimelineState[] = [];
  for (const e of inEventOrder(entries)) {
    const step = stepTimeline(state, e);
    state = step.state;
    states.push(state);
    if (step.transition) transitions.push(step.transition);
  }
  return { state, transitions, states };
}

/** The timeline entry of a history entry, or undefined for one that changes nothing (an observe-only pass). */
export function timelineEntryOf(h: DriftHistoryEntry): TimelineEntry | undefined {
  const intent = stateIntentOf(h);
  if (!intent) return undefined;
  const e: TimelineEntry = { eventId: h.eventId, eventTime: h.eventTime, intent };
  if (h.actor) e.by = h.actor;
  if (h.note) e.note = h.note;
  return e;
}

function stateIntentOf(h: DriftHistoryEntry): StateIntent | undefined {
  if (h.intent !== undefined) return h.intent in INTENT_RANK ? (h.intent as StateIntent) : undefined;
  // Entries written before intents were recorded.
  if (h.verdict === 'violation') return h.exceptionId ? Intents.suppress : Intents.violation;
  if (h.verdict === 'cannot-evaluate') return Intents.unverifiable;
  return undefined;
}

/** True for an intent that decides the status whatever came before (all but unverifiable). */
export function decides(intent: StateIntent): boolean {
  return intent !== Intents.unverifiable;
}

/** opened and reopened are one kind of news: a run of drift starts. */
export function kindClass(kind: TransitionKind): string {
  return kind === 'reopened' ? 'opened' : kind;
}

/** What inserting a late observation into a stretch of the timeline changes. */
export interface LateChange {
  /** Transitions to announce: the late observation's own, and its successors' new ones. */
  publish: TimelineTransition[];
  /** The state after the whole stretch with the late observation, and the transition that started its last run. */
  end: TimelineState;
  lastRunStart?: TimelineTransition;
}

/**
 * The transitions a late observation adds to a stretch of the timeline: `before` is the state just
 * before the stretch (after the latest deciding observation before `late`), `stretch` the known
 * observations after that up to the first deciding one after `late` (or the end). The late
 * observation's own transition is always published (when it extends a run that was announced at a
 * later event, the owner learns the run began earlier); a successor's when its own changes kind (a
 * fix that now closes an episode, a violation after a fix that now splits one). Transitions that
 * disappear cannot be taken back: they were announced, and they belong to the same run.
 * @example lateChange(closed, [fix], violation).publish.map((t) => t.kind) // ['opened', 'resolved']
 */
export function lateChange(before: TimelineState, stretch: readonly TimelineEntry[], late: TimelineEntry): LateChange {
  const known = inEventOrder(stretch.filter((e) => e.eventId !== late.eventId));
  const key = orderKeyOf(late);
  const prior = known.filter((e) => orderKeyOf(e) < key);
  const after = known.filter((e) => orderKeyOf(e) > key);
  const atLate = foldTimeline(prior, before).state;
  const withLate = stepTimeline(atLate, late);
  const publish: TimelineTransition[] = withLate.transition ? [withLate.transition] : [];
  let oldState = atLate;
  let newState = withLate.state;
  let lastRunStart = withLate.transition;
  for (const e of after) {
    const was = stepTimeline(oldState, e);
    const now = stepTimeline(newState, e);
    if (now.transition && (!was.transition || kindClass(was.transition.kind) !== kindClass(now.transition.kind)))
      publish.push(now.transition);
    if (now.transition) lastRunStart = now.transition;
    oldState = was.state;
    newState = now.state;
  }
  return lastRunStart ? { publish, end: newState, lastRunStart } : { publish, end: newState };
}
