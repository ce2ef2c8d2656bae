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
  /**
   * The rule could not judge the event because of what the event carries (a truncated field, a
   * value too deep or too large, an expression error on a present field): the record cannot be
   * verified. Open or suppressed drift stays as it is (fail closed); anything else is `unverifiable`.
   */
  unverifiable: 'unverifiable',
} as const;
export type Intent = (typeof Intents)[keyof typeof Intents];

/** The intents that write the record (observe only writes history). */
export type StateIntent = Exclude<Intent, 'observe'>;

/**
 * The intent of a finding.
 * @example intentOf('pass', true) // 'resolve'
 */
export function intentOf(
  verdict: 'violation' | 'pass' | 'cannot-evaluate',
  resolves: boolean,
  exceptionId?: string,
): Intent {
  if (verdict === 'violation') return exceptionId ? Intents.suppress : Intents.violation;
  // An exception accepts whatever the rule would find, so it covers a rule that cannot tell too.
  if (verdict === 'cannot-evaluate') return exceptionId ? Intents.suppress : Intents.unverifiable;
  return resolves ? Intents.resolve : Intents.observe;
}

const AFTER_RESOLVE: Readonly<Record<DriftStatus | 'none', DriftStatus>> = {
  none: 'compliant',
  compliant: 'compliant',
  open: 'resolved',
  suppressed: 'resolved',
  resolved: 'resolved',
  unverifiable: 'resolved',
};

/**
 * The status after a state intent. `undefined` before means there is no record yet.
 * @example nextStatus('open', 'resolve') // 'resolved'
 */
export function nextStatus(before: DriftStatus | undefined, intent: StateIntent): DriftStatus {
  if (intent === Intents.violation) return 'open';
  if (intent === Intents.suppress) return 'suppressed';
  if (intent === Intents.unverifiable) return before === 'open' || before === 'suppressed' ? before : 'unverifiable';
  return AFTER_RESOLVE[before ?? 'none'];
}

/**
 * The transition a status change makes, or undefined when it makes none (same status, or a
 * resource first seen compliant). A record that was ever out of policy re-opens; one that never
 * was opens (an unverifiable record was never shown to be out of policy).
 * @example transitionOf('resolved', 'open') // 'reopened'
 */
export function transitionOf(before: DriftStatus | undefined, after: DriftStatus): TransitionKind | undefined {
  if (before === after || after === 'compliant') return undefined;
  if (after === 'open')
    return before === undefined || before === 'compliant' || before === 'unverifiable' ? 'opened' : 'reopened';
  return after;
}

/**
 * Which observation wins when two share an event time (CloudTrail times have one-second
 * resolution): the more alarming one, so equal times fail closed. A violation beats an exception's
 * suppression, both beat a record that cannot be verified, everything beats a fix.
 */
export const INTENT_RANK: Readonly<Record<StateIntent, number>> = {
  resolve: 0,
  unverifiable: 1,
  suppress: 2,
  violation: 3,
};

/** An (event time, intent, event id) position: observations are ordered by time, ties by intent, then event id. */
export interface EventPosition {
  eventTime: string;
  eventId: string;
  intent: StateIntent;
}

/**
 * The ordering key of a position as one string (what the store compares): ISO time, the intent's
 * rank, the event id. Times are ISO-8601 UTC with a four-digit year (shared/sources/time.ts), so
 * the keys compare as strings, as DynamoDB compares them.
 * @example orderKeyOf({ eventTime: '2026-11-02T10:00:00.000Z', intent: 'violation', eventId: 'e-1' }) // '2026-11-02T10:00:00.000Z#3#e-1'
 */
export function orderKeyOf(p: EventPosition): string {
  return `${p.eventTime}#${INTENT_RANK[p.intent]}#${p.eventId}`;
}

/**
 * True when `a` comes strictly after `b` in event order.
 * @example isAfter({ eventTime: 't', eventId: 'a', intent: 'violation' }, { eventTime: 't', eventId: 'b', intent: 'resolve' }) // true
 */
export function isAfter(a: EventPosition, b: EventPosition): boolean {
  return orderKeyOf(a) > orderKeyOf(b);
}
