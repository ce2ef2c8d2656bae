import type { TpguardConfig } from '../config/index.js';
import type { DriftStore, DriftTransition } from '../drift/index.js';
import { kindClass, storedTransition, transitionKey } from '../drift/index.js';
import type { Clock } from '../kernel/index.js';
import { renderFinding } from './asff.js';
import { renderChatbot } from './chatbot.js';
import { dispatch, type Dispatcher, type Outbound, type Payloads } from './dispatch.js';
import { renderEmail } from './email.js';
import { DeliveryFailedError, DeliveryInFlightError } from './errors.js';
import { alertFacts, type AlertFacts, type RuleCatalog } from './facts.js';
import { parseTransitionEvent } from './transition-schema.js';
import { ClaimOutcomes, type ClaimOutcome, type LedgerSlot, type NotificationLedger } from './ledger.js';
import { planDeliveries, type HubTarget, type PlannedDelivery } from './routing.js';
import { renderSlack } from './slack.js';
import type { Channel } from './types.js';

/**
 * A claim older than this was abandoned (its invocation timed out or crashed) and is taken over.
 * Twice the notify function's 30 s timeout: longer than any live send, shorter than the first
 * Lambda retry (about a minute later), so the retry sends instead of ending in the dead-letter queue.
 */
export const DEFAULT_LEASE_MS = 60_000;

export interface NotifierDeps {
  ledger: NotificationLedger;
  dispatcher: Dispatcher;
  catalog: RuleCatalog;
  config: Pick<TpguardConfig, 'owners' | 'notifications'>;
  clock: Clock;
  chatbotTopicArn?: string;
  securityHub?: HubTarget;
  leaseMs?: number;
  /** Called once per planned message with what happened to it (console lines, logs, metrics). */
  onResult?: (result: DeliveryResult, message?: Outbound) => void;
}

/** What happened on one channel. */
export interface DeliveryResult {
  channel: Channel;
  owner: string;
  outcome: Exclude<ClaimOutcome, 'claimed'> | 'sent' | 'failed';
  /** `<kind>#<eventId>`, or `digest`. */
  key: string;
  driftId?: string;
}

type Renderer<C extends Channel> = (
  f: AlertFacts,
  d: PlannedDelivery,
  t: DriftTransition,
  deps: NotifierDeps,
) => Payloads[C];

/** One renderer per channel (lookup table). */
const RENDERERS: { readonly [C in Channel]: Renderer<C> } = {
  email: (f, d) => {
    const m = renderEmail(f);
    return { ...m, attributes: { ...m.attributes, owner: d.owner } };
  },
  slack: (f) => renderSlack(f),
  chatbot: (f) => renderChatbot(f),
  securityhub: (f, _d, t, deps) => renderFinding(f, deps.securityHub!(t.record)!),
};

/**
 * The ledger key of a transition: `<kind>#<eventId>`, with opened and reopened as one kind (whether
 * an opening re-opens can depend on what arrived before it: one message per opening all the same).
 * @example ledgerKeyOf({ kind: 'reopened', eventId: 'e1' }) // 'opened#e1'
 */
export function ledgerKeyOf(t: Pick<DriftTransition, 'kind' | 'eventId'>): string {
  return transitionKey({ kind: kindClass(t.kind) as DriftTransition['kind'], eventId: t.eventId });
}

function outboundOf<C extends Channel>(
  channel: C,
  t: DriftTransition,
  f: AlertFacts,
  d: PlannedDelivery,
  deps: NotifierDeps,
): Outbound<C> {
  return {
    channel,
    kind: t.kind,
    owner: d.owner,
    to: d.to,
    payload: (RENDERERS[channel] as Renderer<C>)(f, d, t, deps),
    driftId: t.record.driftId,
    ruleId: t.record.ruleId,
    resourceId: t.record.resourceId,
    eventId: t.eventId,
    severity: t.record.severity,
  };
}

/**
 * Claims, sends and confirms one message. Returns its result, or throws after releasing the
 * claim when the channel did not take it (so that the retry sends it).
 */
export async function deliverOnce(
  slot: LedgerSlot,
  message: () => Outbound,
  deps: Pick<NotifierDeps, 'ledger' | 'dispatcher' | 'clock' | 'leaseMs'>,
): Promise<ClaimOutcome | 'sent'> {
  const claimed = await deps.ledger.claim(slot, deps.clock.now(), deps.leaseMs ?? DEFAULT_LEASE_MS);
  if (claimed !== ClaimOutcomes.claimed) return claimed;
  try {
    await dispatch(deps.dispatcher, message());
  } catch (err) {
    await deps.ledger.release(slot);
    throw err;
  }
  await deps.ledger.confirm(slot, deps.clock.now());
  return 'sent';
}

/**
 * Sends a drift transition on every planned channel, exactly once per (transition, channel):
 * each send is preceded by a conditional claim in the ledger. For transitions made in this process
 * (the digest's escalations, the review jobs); a transition from the bus goes through
 * {@link notifyBusEvent}, which takes it from the drift store. Channels that fail are
 * released and reported together in a {@link DeliveryFailedError} (thrown, so the event is
 * retried and ends in the dead-letter queue); channels already sent stay recorded and are
 * skipped by the retry.
 * @example const results = await notifyTransition(transition, deps)
 */
export async function notifyTransition(t: DriftTransition, deps: NotifierDeps): Promise<DeliveryResult[]> {
  const plan = planDeliveries(t, {
    config: deps.config,
    dispatcher: deps.dispatcher,
    chatbotTopicArn: deps.chatbotTopicArn,
    securityHub: deps.securityHub,
  });
  if (plan.length === 0) return [];
  const facts = alertFacts(t, deps.catalog, {
    consoleBaseUrl: deps.config.notifications.consoleBaseUrl,
    now: deps.clock.now(),
  });
  const key = transitionKey(t);
  const results: DeliveryResult[] = [];
  const failures: Error[] = [];
  for (const d of plan) {
    // A copy to a tagged team has a slot of its own: the owner's message never dedupes it (nor it the owner's).
    const slotKey = d.copy ? `${ledgerKeyOf(t)}@${d.owner}` : ledgerKeyOf(t);
    const slot: LedgerSlot = { scope: 'drift', driftId: t.record.driftId, channel: d.channel, key: slotKey };
    let message: Outbound | undefined;
    const build = (): Outbound => (message = outboundOf(d.channel, t, facts, d, deps));
    let result: DeliveryResult;
    try {
      const outcome = await deliverOnce(slot, build, deps);
      result = { channel: d.channel, owner: d.owner, outcome, key, driftId: t.record.driftId } as DeliveryResult;
      if (outcome === ClaimOutcomes.inFlight)
        failures.push(new DeliveryInFlightError(`${t.record.driftId} ${d.channel}#${key}`));
    } catch (err) {
      result = { channel: d.channel, owner: d.owner, outcome: 'failed', key, driftId: t.record.driftId };
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
    results.push(result);
    deps.onResult?.(result, message);
  }
  if (failures.length > 0)
    throw new DeliveryFailedError(`${t.kind} ${t.record.ruleId} ${t.record.resourceId}`, failures);
  return results;
}

/** What notifying one bus event did: the result per channel, or why nothing was sent. */
export interface BusEventResult {
  results: DeliveryResult[];
  /** Set when the store does not support the event's transition (missing record, superseded beyond history, forged). */
  unsupported?: string;
}

/** Where the notifier reads what the bus only names: the drift record and its history. */
export type TransitionStore = Pick<DriftStore, 'getRecord' | 'historyNear'>;

/**
 * Notifies a transition event from the tpguard bus. The event only names the transition (drift id,
 * kind, event id and time): whoever may put events on the bus can write anything into it, so the
 * transition sent is the one the drift store has, rendered from the stored record and evidence;
 * one the store does not support sends nothing. A past transition (delivered after the record moved
 * on) still reaches email, Slack and Chatbot; Security Hub only ever gets the record's current state.
 * Throws {@link InvalidTransitionError} for an event that is not a transition at all.
 * @example const { results } = await notifyBusEvent(event, { ...deps, store })
 */
export async function notifyBusEvent(
  event: unknown,
  deps: NotifierDeps & { store: TransitionStore },
): Promise<BusEventResult> {
  const claimed = parseTransitionEvent(event);
  const stored = await storedTransition(deps.store, {
    driftId: claimed.record.driftId,
    kind: claimed.kind,
    eventId: claimed.eventId,
    eventTime: claimed.eventTime,
  });
  if (!stored.found) {
    const why =
      stored.reason === 'missing'
        ? `no drift record ${claimed.record.driftId}`
        : `drift ${claimed.record.driftId} has no ${claimed.kind} transition by event ${claimed.eventId}`;
    return { results: [], unsupported: why };
  }
  const { securityHub, ...rest } = deps;
  const transition = claimed.republished ? { ...stored.transition, republished: true } : stored.transition;
  return {
    results: await notifyTransition(transition, stored.current && securityHub ? { ...rest, securityHub } : rest),
  };
}
