import type { DriftStatus, TransitionKind } from './types.js';

/**
 * What one (event, rule, resource) finding asks of its drift record. The store applies an
 * intent in one conditional write; these pure functions say what that write does, so the
 * adapter, the tests and the documentation agree on one state machine.
 */
export const Intents = {
  /** A violation without an exception: the record is open. */
  violation: 'violation',
  /** A violation covered by an active exception: the record is suppressed. */
  suppress: 'suppress',
  /** A compliant observation that says the earlier drift is fixed. */
  resolve: 'resolve',
  /** A compliant observation that cannot tell (no resolve condition): history only. */
  observe: 'observe',
} as const;
export type Intent = (typeof Intents)[keyof typeof Intents];

/** The intents that write the record (observe only writes history). */
export type StateIntent = Exclude<Intent, 'observe'>;

/**
 * The intent of a finding.
 * @example intentOf('pass', true) // 'resolve'
 */
export function intentOf(verdict: 'violation' | 'pass', resolves: boolean, exceptionId?: string): Intent {
  if (verdict === 'violation') return exceptionId ? Intents.suppress : Intents.violation;
  return resolves ? Intents.resolve : Intents.observe;
}

const AFTER_RESOLVE: Readonly<Record<DriftStatus | 'none', DriftStatus>> = {
  none: 'compliant',
  compliant: 'compliant',
  open: 'resolved',
  suppressed: 'resolved',
  resolved: 'resolved',
};

/**
 * The status after a state intent. `undefined` before means there is no record yet.
 * @example nextStatus('open', 'resolve') // 'resolved'
 */
export function nextStatus(before: DriftStatus | undefined, intent: StateIntent): DriftStatus {
  if (intent === Intents.violation) return 'open';
  if (intent === Intents.suppress) return 'suppressed';
  return AFTER_RESOLVE[before ?? 'none'];
}

/**
 * The transition a status change makes, or undefined when it makes none (same status, or a
 * resource first seen compliant). A record that was ever out of policy re-opens; one that never
 * was opens.
 * @example transitionOf('resolved', 'open') // 'reopened'
 */
export function transitionOf(before: DriftStatus | undefined, after: DriftStatus): TransitionKind | undefined {
  if (before === after || after === 'compliant') return undefined;
  if (after === 'open') return before === undefined || before === 'compliant' ? 'opened' : 'reopened';
  return after;
}

/** An (event time, event id) position: observations are ordered by time, ties by event id. */
export interface EventPosition {
  eventTime: string;
  eventId: string;
}

/**
 * True when `a` comes strictly after `b` in event order. Times are ISO-8601 UTC strings of the
 * same form (normalized by shared/events), so they compare as strings, as DynamoDB compares them.
 * @example isAfter({ eventTime: '2026-11-02T10:00:00.000Z', eventId: 'b' }, { eventTime: '2026-11-02T10:00:00.000Z', eventId: 'a' }) // true
 */
export function isAfter(a: EventPosition, b: EventPosition): boolean {
  return a.eventTime > b.eventTime || (a.eventTime === b.eventTime && a.eventId > b.eventId);
}
