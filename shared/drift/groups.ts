import type { Severity } from '../kernel/index.js';
import { TPGUARD_EVENT_SOURCE, type DriftTransition, type TransitionKind } from './types.js';

/**
 * The detail-type of a transition group on the tpguard bus: the transitions one event caused for
 * one owner, named (not carried) so that the notify function sends one email and one Slack message
 * for all of them. The per-transition events (`Drift Opened`, ...) are published beside it, as before.
 */
export const TRANSITION_GROUP_DETAIL_TYPE = 'Drift Transitions';

/**
 * At most this many transitions per group event: a larger group is published as several (a pack
 * of 100 rules on one resource stays far below PutEvents' 256 KiB, and the notifier's reads per
 * invocation stay bounded).
 */
export const MAX_GROUP_SIZE = 50;

/** One transition as a group names it: what the notifier needs to read it back from the drift store. */
export interface TransitionRef {
  driftId: string;
  kind: TransitionKind;
  eventId: string;
  eventTime: string;
  /** For people and logs reading the bus; the notifier takes rule and severity from the store. */
  ruleId: string;
  severity: Severity;
  republished?: boolean;
  late?: boolean;
}

/** The transitions one event caused for one owner (`detail` of a `Drift Transitions` event). */
export interface TransitionGroup {
  /** The causing event. */
  eventId: string;
  /** The owner the records name when published (the notifier routes by the stored records). */
  owner: string;
  account: string;
  region: string;
  transitions: TransitionRef[];
}

function refOf(t: DriftTransition): TransitionRef {
  const ref: TransitionRef = {
    driftId: t.record.driftId,
    kind: t.kind,
    eventId: t.eventId,
    eventTime: t.eventTime,
    ruleId: t.record.ruleId,
    severity: t.record.severity,
  };
  if (t.republished) ref.republished = true;
  if (t.late) ref.late = true;
  return ref;
}

/**
 * The transitions of one publish call grouped by (causing event, owner, account, region), in first-seen
 * order, each group at most {@link MAX_GROUP_SIZE} transitions.
 * @example transitionGroups(result.transitions).length // 1 for the sample training job (8 transitions, owner nlp)
 */
export function transitionGroups(transitions: readonly DriftTransition[]): TransitionGroup[] {
  const groups = new Map<string, TransitionGroup>();
  for (const t of transitions) {
    const owner = t.record.owner ?? 'default';
    const key = JSON.stringify([t.eventId, owner, t.record.account, t.record.region]);
    let g = groups.get(key);
    if (!g) {
      g = { eventId: t.eventId, owner, account: t.record.account, region: t.record.region, transitions: [] };
      groups.set(key, g);
    }
    g.transitions.push(refOf(t));
  }
  const out: TransitionGroup[] = [];
  for (const g of groups.values())
    for (let i = 0; i < g.transitions.length; i += MAX_GROUP_SIZE)
      out.push({ ...g, transitions: g.transitions.slice(i, i + MAX_GROUP_SIZE) });
  return out;
}

/** A group as an event on the tpguard bus (the fields PutEvents and the local bus share). */
export interface GroupBusEvent {
  source: typeof TPGUARD_EVENT_SOURCE;
  detailType: typeof TRANSITION_GROUP_DETAIL_TYPE;
  time: string;
  account: string;
  region: string;
  resources: string[];
  detail: TransitionGroup;
}

/**
 * The bus event of a group: `source: tpguard`, detail-type `Drift Transitions`, detail = the group.
 * @example groupBusEvent(transitionGroups(ts)[0]!).detailType // 'Drift Transitions'
 */
export function groupBusEvent(g: TransitionGroup): GroupBusEvent {
  return {
    source: TPGUARD_EVENT_SOURCE,
    detailType: TRANSITION_GROUP_DETAIL_TYPE,
    time: g.transitions[0]?.eventTime ?? '',
    account: g.account,
    region: g.region,
    resources: [],
    detail: g,
  };
}
