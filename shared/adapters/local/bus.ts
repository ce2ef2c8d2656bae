import { randomUUID } from 'node:crypto';
import {
  groupBusEvent,
  TRANSITION_DETAIL_TYPES,
  TRANSITION_GROUP_DETAIL_TYPE,
  transitionBusEvent,
  transitionGroups,
  type TransitionGroup,
} from '../../drift/index.js';
import type { Publisher } from '../../drift/index.js';
import { TPGUARD_EVENT_SOURCE, type DriftTransition } from '../../drift/index.js';
import type { BusEnvelope, Observation } from '../../sources/index.js';
import { matchesPattern } from '../../policy/index.js';
import { describeError } from '../../kernel/index.js';
import { BATCH_SUMMARY_DETAIL_TYPE, type BatchSummary } from '../../notify/index.js';

/**
 * A subscriber of the local bus: receives the EventBridge-shaped event and, for an AWS event that
 * local intake already normalized, that observation (so it is not normalized a second time).
 */
export type BusHandler = (event: BusEnvelope, observation?: Observation) => unknown;

/** A subscriber that failed on an event (EventBridge would retry it, then dead-letter it). */
export interface BusDeliveryFailure {
  subscriber: string;
  eventId: string;
  detailType: string;
  error: string;
}

/**
 * The pattern of every transition on the tpguard bus (`detail` is one `DriftTransition`), and of the
 * batch summaries (`Drift Batch Summary`: a baseline's one summary per owner) shown beside them.
 */
export const TRANSITION_PATTERN: Readonly<Record<string, unknown>> = Object.freeze({
  source: [TPGUARD_EVENT_SOURCE],
  'detail-type': [...Object.values(TRANSITION_DETAIL_TYPES), BATCH_SUMMARY_DETAIL_TYPE],
});

/**
 * The pattern of the transition groups (`Drift Transitions`: the transitions one event caused for
 * one owner) and the batch summaries: what the notifier subscribes to, as the deployed notify function's rule matches.
 */
export const TRANSITION_GROUP_PATTERN: Readonly<Record<string, unknown>> = Object.freeze({
  source: [TPGUARD_EVENT_SOURCE],
  'detail-type': [TRANSITION_GROUP_DETAIL_TYPE, BATCH_SUMMARY_DETAIL_TYPE],
});

interface Subscription {
  name: string;
  pattern: Record<string, unknown>;
  handler: BusHandler;
}

/**
 * The in-process event bus of the local runtime: EventBridge semantics for the pattern subset
 * tpguard generates (`matchesPattern`), delivery to every matching subscriber in subscription
 * order, one event at a time. AWS events are routed to the ingest handlers with the patterns
 * generated from the pack; transitions (`source: tpguard`) to whoever subscribes to them.
 *
 * @example
 * const bus = new LocalBus();
 * const off = bus.subscribe({ source: ['tpguard'], 'detail-type': ['Drift Opened'] }, (e) => console.log(e.detail), 'printer');
 * await bus.put(event); // delivered to the printer when it matches
 * off();
 */
export class LocalBus {
  private readonly subscriptions: Subscription[] = [];
  private readonly errorListeners: ((e: BusDeliveryFailure) => void)[] = [];

  /**
   * Calls `handler` for every event matching `pattern` (an EventBridge event pattern). Handlers
   * may be async; delivery waits for them. Returns a function that unsubscribes.
   */
  public subscribe(
    pattern: Record<string, unknown>,
    handler: BusHandler,
    name = `subscriber-${this.subscriptions.length + 1}`,
  ): () => void {
    const sub: Subscription = { name, pattern, handler };
    this.subscriptions.push(sub);
    return () => {
      const i = this.subscriptions.indexOf(sub);
      if (i >= 0) this.subscriptions.splice(i, 1);
    };
  }

  /** Called for each failed delivery (the bus itself never throws for a subscriber). */
  public onError(listener: (e: BusDeliveryFailure) => void): void {
    this.errorListeners.push(listener);
  }

  /** Delivers one event (with the observation it came from, if any); returns how many subscribers matched and which failed. */
  public async put(
    event: BusEnvelope,
    observation?: Observation,
  ): Promise<{ matched: number; errors: BusDeliveryFailure[] }> {
    const errors: BusDeliveryFailure[] = [];
    let matched = 0;
    for (const sub of [...this.subscriptions]) {
      if (!matchesPattern(sub.pattern, event)) continue;
      matched++;
      try {
        await sub.handler(event, observation);
      } catch (err) {
        const e: BusDeliveryFailure = {
          subscriber: sub.name,
          eventId: event.id,
          detailType: event['detail-type'],
          error: describeError(err),
        };
        errors.push(e);
        for (const l of this.errorListeners) l(e);
      }
    }
    return { matched, errors };
  }
}

/** The bus envelope of a transition, as EventBridge would deliver it from PutEvents. */
export function transitionEnvelope(t: DriftTransition, id: string = randomUUID()): BusEnvelope {
  return envelopeOf(transitionBusEvent(t), id);
}

/** The bus envelope of a batch summary ("Drift Batch Summary"), as the notify function receives it. */
export function summaryEnvelope(s: BatchSummary, id: string = randomUUID()): BusEnvelope {
  return {
    version: '0',
    id,
    'detail-type': BATCH_SUMMARY_DETAIL_TYPE,
    source: TPGUARD_EVENT_SOURCE,
    account: s.items[0]?.account ?? 'unknown',
    time: s.at,
    region: s.items[0]?.region ?? 'unknown',
    resources: [],
    detail: s as unknown as Record<string, unknown>,
  };
}

/** The bus envelope of a transition group, as EventBridge would deliver it from PutEvents. */
export function groupEnvelope(g: TransitionGroup, id: string = randomUUID()): BusEnvelope {
  return envelopeOf(groupBusEvent(g), id);
}

/** A tpguard bus event (transition or group) in the envelope EventBridge delivers. */
function envelopeOf(
  e: ReturnType<typeof transitionBusEvent> | ReturnType<typeof groupBusEvent>,
  id: string,
): BusEnvelope {
  return {
    version: '0',
    id,
    'detail-type': e.detailType,
    source: e.source,
    account: e.account,
    time: e.time,
    region: e.region,
    resources: e.resources,
    detail: e.detail as unknown as Record<string, unknown>,
  };
}

/** Publisher onto the local bus (the local twin of EventBridgePublisher and eventBridgeSummaries): each transition, then each group. */
export class LocalBusPublisher implements Publisher {
  public constructor(private readonly bus: LocalBus) {}

  public async publish(transitions: readonly DriftTransition[]): Promise<void> {
    for (const t of transitions) await this.bus.put(transitionEnvelope(t));
    for (const g of transitionGroups(transitions)) await this.bus.put(groupEnvelope(g));
  }

  public async publishSummaries(summaries: readonly BatchSummary[]): Promise<void> {
    for (const s of summaries) await this.bus.put(summaryEnvelope(s));
  }
}
