import type { TpguardConfig } from '../config/index.js';
import type { DriftTransition } from '../drift/index.js';
import type { Clock } from '../kernel/index.js';
import { renderFinding } from './asff.js';
import { renderChatbot } from './chatbot.js';
import { dispatch, type Dispatcher, type Outbound, type Payloads } from './dispatch.js';
import { renderEmail } from './email.js';
import { DeliveryFailedError, DeliveryInFlightError } from './errors.js';
import { alertFacts, type AlertFacts, type RuleCatalog } from './facts.js';
import { transitionKey } from '../drift/index.js';
import {
  ClaimOutcomes,
  positionOf,
  type ClaimGuard,
  type ClaimOutcome,
  type LedgerSlot,
  type NotificationLedger,
} from './ledger.js';
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
 * Escalations made by the digest carry the opening event id and must find the drift still open in
 * that episode; every other transition must still be the record's current one (or newer).
 */
export function guardFor(t: DriftTransition): ClaimGuard {
  const last = t.record.lastTransition;
  const published = last?.kind === 'escalated' && last.eventId === t.eventId;
  if (t.kind === 'escalated' && !published) return { type: 'still-open', openEventId: t.eventId };
  return { type: 'current-or-newer', transition: positionOf(t) };
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
 * Sends a drift transition on every planned channel (for a transition of a batch, Security Hub only), exactly once per (transition, channel):
 * each send is preceded by a conditional claim on the drift item. Channels that fail are
 * released and reported together in a {@link DeliveryFailedError} (thrown, so the event is
 * retried and ends in the dead-letter queue); channels already sent stay recorded and are
 * skipped by the retry.
 * @example const results = await notifyTransition(transition, deps)
 */
export async function notifyTransition(t: DriftTransition, deps: NotifierDeps): Promise<DeliveryResult[]> {
  const planned = planDeliveries(t, {
    config: deps.config,
    dispatcher: deps.dispatcher,
    chatbotTopicArn: deps.chatbotTopicArn,
    securityHub: deps.securityHub,
  });
  // A transition of a batch (a baseline) reaches people in the batch's one summary per owner and
  // channel (shared/notify/batch.ts); only Security Hub, a findings store, takes it one by one.
  const plan = t.batch ? planned.filter((d) => d.channel === 'securityhub') : planned;
  if (plan.length === 0) return [];
  const facts = alertFacts(t, deps.catalog, {
    consoleBaseUrl: deps.config.notifications.consoleBaseUrl,
    now: deps.clock.now(),
  });
  const key = transitionKey(t);
  const guard = guardFor(t);
  const results: DeliveryResult[] = [];
  const failures: Error[] = [];
  for (const d of plan) {
    const slot: LedgerSlot = { scope: 'drift', driftId: t.record.driftId, channel: d.channel, key, guard };
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
