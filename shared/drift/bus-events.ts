import { TPGUARD_EVENT_SOURCE, TRANSITION_DETAIL_TYPES, type DriftTransition } from './types.js';

/** A transition as an event on the tpguard bus (the fields PutEvents and the local bus share). */
export interface TransitionBusEvent {
  source: typeof TPGUARD_EVENT_SOURCE;
  detailType: string;
  /** When the transition happened (the causing event's time). */
  time: string;
  account: string;
  region: string;
  /** The resource ARN when known (EventBridge `resources`). */
  resources: string[];
  detail: DriftTransition;
}

/**
 * The bus event of a transition: `source: tpguard`, detail-type `Drift Opened|Resolved|...`,
 * detail = the transition (record and redacted evidence) without the resource's tags: tags are
 * chosen by whoever tags the resource (50 of 256 characters each make a 60 KB event, and PutEvents
 * takes 256 KB per request), and the notifier reads the record from the store anyway.
 * @example transitionBusEvent(t).detailType // 'Drift Opened'
 */
export function transitionBusEvent(t: DriftTransition): TransitionBusEvent {
  const { tags: _tags, ...record } = t.record;
  return {
    source: TPGUARD_EVENT_SOURCE,
    detailType: TRANSITION_DETAIL_TYPES[t.kind],
    time: t.eventTime,
    account: t.record.account,
    region: t.record.region,
    resources: t.record.resourceArn ? [t.record.resourceArn] : [],
    detail: { ...t, record },
  };
}

/** A stable id for a transition: the same transition published twice has the same key (notifier dedupe). */
export function transitionKey(t: Pick<DriftTransition, 'kind' | 'eventId'>): string {
  return `${t.kind}#${t.eventId}`;
}
