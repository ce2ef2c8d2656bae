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
import { parseNotifyEvent } from './transition-schema.js';
import { ClaimOutcomes, type ClaimOutcome, type LedgerSlot, type NotificationLedger } from './ledger.js';
import { planDeliveries, type HubTarget, type PlannedDelivery } from './routing.js';
import { renderSlack } from './slack.js';
import { groupAttributes, renderGroupEmail, renderGroupSlack, sortFacts } from './group.js';
import { Channels, type Channel } from './types.js';

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
  /**
   * Called once per planned (transition, channel) with what happened to it (console lines, logs,
   * metrics), and the message that carried it: a message listing several transitions is passed with
   * the first of them only.
   */
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

/** A transition to notify, and whether Security Hub may hear of it (only the record's current state). */
export interface NotifyItem {
  transition: DriftTransition;
  /** False for a past transition read back from history: Security Hub gets only current states. */
  current: boolean;
}

/** The channels whose messages list every transition of a group: one email, one Slack message. */
export const GROUPED_CHANNELS: ReadonlySet<Channel> = new Set<Channel>(['email', 'slack']);

interface Planned {
  t: DriftTransition;
  facts: AlertFacts;
  delivery: PlannedDelivery;
  slot: LedgerSlot;
}

function plannedOf(items: readonly NotifyItem[], deps: NotifierDeps): Planned[] {
  const out: Planned[] = [];
  // A transition named twice (a group is written by whoever may put events on the bus) is planned once.
  const seen = new Set<string>();
  for (const { transition: t, current } of items) {
    const id = JSON.stringify([t.record.driftId, ledgerKeyOf(t)]);
    if (seen.has(id)) continue;
    seen.add(id);
    const all = planDeliveries(t, {
      config: deps.config,
      dispatcher: deps.dispatcher,
      chatbotTopicArn: deps.chatbotTopicArn,
      securityHub: current ? deps.securityHub : undefined,
    });
    // A transition of a batch (a baseline) reaches people in the batch's one summary per owner and
    // channel (shared/notify/batch.ts); only Security Hub, a findings store, takes it one by one.
    const plan = t.batch ? all.filter((d) => d.channel === 'securityhub') : all;
    if (plan.length === 0) continue;
    const facts = alertFacts(t, deps.catalog, {
      consoleBaseUrl: deps.config.notifications.consoleBaseUrl,
      now: deps.clock.now(),
    });
    for (const d of plan)
      out.push({
        t,
        facts,
        delivery: d,
        // A copy to a tagged team has a slot of its own: the owner's message never dedupes it (nor it the owner's).
        slot: {
          scope: 'drift',
          driftId: t.record.driftId,
          channel: d.channel,
          key: d.copy ? `${ledgerKeyOf(t)}@${d.owner}` : ledgerKeyOf(t),
        },
      });
  }
  return out;
}

/**
 * The messages to send: per channel (in channel order), the grouped channels' deliveries bucketed
 * by recipient (owner and addresses), every other delivery alone.
 */
function messagesOf(planned: readonly Planned[]): Planned[][] {
  const out: Planned[][] = [];
  for (const channel of Object.values(Channels)) {
    const buckets = new Map<string, Planned[]>();
    for (const p of planned) {
      if (p.delivery.channel !== channel) continue;
      if (!GROUPED_CHANNELS.has(channel)) {
        out.push([p]);
        continue;
      }
      const key = JSON.stringify([p.delivery.owner, p.delivery.to]);
      const bucket = buckets.get(key);
      if (bucket) bucket.push(p);
      else buckets.set(key, [p]);
    }
    out.push(...buckets.values());
  }
  return out;
}

function resultOf(p: Planned, outcome: DeliveryResult['outcome']): DeliveryResult {
  return {
    channel: p.delivery.channel,
    owner: p.delivery.owner,
    outcome,
    key: transitionKey(p.t),
    driftId: p.t.record.driftId,
  };
}

/**
 * Claims each transition of one message in the ledger, sends one message listing those it claimed,
 * then confirms them (or releases them all when the channel did not take it). A transition already
 * sent on this channel (or being sent by another invocation) is left out, so it is never sent twice.
 */
async function deliverMessage(
  group: readonly Planned[],
  deps: NotifierDeps,
  failures: Error[],
): Promise<DeliveryResult[]> {
  const now = deps.clock.now();
  const claimed: Planned[] = [];
  const results = new Map<Planned, DeliveryResult>();
  for (const p of group) {
    const outcome = await deps.ledger.claim(p.slot, now, deps.leaseMs ?? DEFAULT_LEASE_MS);
    if (outcome === ClaimOutcomes.claimed) claimed.push(p);
    else {
      results.set(p, resultOf(p, outcome as DeliveryResult['outcome']));
      if (outcome === ClaimOutcomes.inFlight)
        failures.push(new DeliveryInFlightError(`${p.t.record.driftId} ${p.delivery.channel}#${transitionKey(p.t)}`));
    }
  }
  let message: Outbound | undefined;
  if (claimed.length > 0) {
    try {
      message = claimed.length === 1 ? outboundOf(claimed[0]!, deps) : groupOutbound(claimed, deps);
      await dispatch(deps.dispatcher, message);
    } catch (err) {
      for (const p of claimed) await deps.ledger.release(p.slot);
      for (const p of claimed) results.set(p, resultOf(p, 'failed'));
      failures.push(err instanceof Error ? err : new Error(String(err)));
      claimed.length = 0;
    }
  }
  // Sent: a claim that cannot be confirmed is kept (not released), so it is sent again only once its lease expires.
  for (const p of claimed) {
    try {
      await deps.ledger.confirm(p.slot, deps.clock.now());
      results.set(p, resultOf(p, 'sent'));
    } catch (err) {
      results.set(p, resultOf(p, 'failed'));
      failures.push(err instanceof Error ? err : new Error(String(err)));
    }
  }
  const out = group.map((p) => results.get(p)!);
  // The message goes with the first result it carried, so that a caller printing messages prints each once.
  let shown = false;
  for (const r of out) {
    const carried = !shown && message !== undefined && (r.outcome === 'sent' || r.outcome === 'failed');
    if (carried) shown = true;
    deps.onResult?.(r, carried ? message : undefined);
  }
  return out;
}

function outboundOf(p: Planned, deps: NotifierDeps): Outbound {
  const { t, facts, delivery: d } = p;
  return {
    channel: d.channel,
    kind: t.kind,
    owner: d.owner,
    to: d.to,
    payload: (RENDERERS[d.channel] as Renderer<Channel>)(facts, d, t, deps),
    driftId: t.record.driftId,
    ruleId: t.record.ruleId,
    resourceId: t.record.resourceId,
    eventId: t.eventId,
    severity: t.record.severity,
  };
}

/** One email or Slack message for several transitions of one recipient, most severe first. */
function groupOutbound(group: readonly Planned[], deps: NotifierDeps): Outbound {
  const sorted = sortFacts(group.map((p) => p.facts));
  const d = group[0]!.delivery;
  const options = { runbookUrl: deps.config.notifications.runbookUrl };
  const payload =
    d.channel === 'email'
      ? { ...renderGroupEmail(sorted, options), attributes: { ...groupAttributes(sorted), owner: d.owner } }
      : renderGroupSlack(sorted, options);
  const first = sorted[0]!;
  return {
    channel: d.channel,
    kind: first.kind,
    owner: d.owner,
    to: d.to,
    payload,
    resourceId: first.resourceId,
    eventId: first.eventId,
    severity: first.severity,
    items: sorted.map((f) => ({
      driftId: f.driftId,
      ruleId: f.ruleId,
      eventId: f.eventId,
      kind: f.kind,
      severity: f.severity,
    })),
  } as Outbound;
}

/**
 * Sends transitions on every planned channel, exactly once per (transition, channel): each is
 * claimed in the ledger before its message is sent. On email and Slack the transitions of one
 * recipient go out as one message listing each (one call is one group: the transitions one event
 * caused for one owner); Chatbot and Security Hub get one message per transition (a finding per
 * drift). Channels that fail are released and reported together in a {@link DeliveryFailedError}
 * (thrown, so the event is retried); what was sent stays recorded and is skipped by the retry.
 * @example const results = await notifyTransitions([{ transition, current: true }], deps)
 */
export async function notifyTransitions(items: readonly NotifyItem[], deps: NotifierDeps): Promise<DeliveryResult[]> {
  const results: DeliveryResult[] = [];
  const failures: Error[] = [];
  for (const message of messagesOf(plannedOf(items, deps)))
    results.push(...(await deliverMessage(message, deps, failures)));
  if (failures.length > 0) {
    const t = items[0]!.transition;
    const what =
      items.length === 1
        ? `${t.kind} ${t.record.ruleId} ${t.record.resourceId}`
        : `${items.length} transitions of event ${t.eventId}`;
    throw new DeliveryFailedError(what, failures);
  }
  return results;
}

/**
 * Sends one drift transition on every planned channel, exactly once per (transition, channel).
 * For transitions made in this process (the digest's escalations, the review jobs); transitions
 * from the bus go through {@link notifyBusEvent}, which takes them from the drift store.
 * @example const results = await notifyTransition(transition, deps)
 */
export function notifyTransition(t: DriftTransition, deps: NotifierDeps): Promise<DeliveryResult[]> {
  return notifyTransitions([{ transition: t, current: true }], deps);
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
 * Notifies an event from the tpguard bus: a `Drift Transitions` group (the transitions one event
 * caused for one owner: one email and one Slack message for all), or a single transition. The event
 * only names transitions: whoever may put events on the bus can write anything into it, so each
 * transition sent is the one the drift store has, rendered from the stored record and evidence; one
 * the store does not support is left out (`unsupported` says why). A past transition (delivered
 * after the record moved on) still reaches email, Slack and Chatbot; Security Hub only ever gets the
 * record's current state. Throws {@link InvalidTransitionError} for an event that names no transition.
 * @example const { results } = await notifyBusEvent(event, { ...deps, store })
 */
export async function notifyBusEvent(
  event: unknown,
  deps: NotifierDeps & { store: TransitionStore },
): Promise<BusEventResult> {
  const named = parseNotifyEvent(event);
  const items: NotifyItem[] = [];
  const unsupported: string[] = [];
  for (const claimed of named) {
    const stored = await storedTransition(deps.store, claimed);
    if (!stored.found) {
      unsupported.push(
        stored.reason === 'missing'
          ? `no drift record ${claimed.driftId}`
          : `drift ${claimed.driftId} has no ${claimed.kind} transition by event ${claimed.eventId}`,
      );
      continue;
    }
    const transition = claimed.republished ? { ...stored.transition, republished: true } : stored.transition;
    items.push({ transition, current: stored.current });
  }
  const { store: _store, ...rest } = deps;
  const results = items.length > 0 ? await notifyTransitions(items, rest) : [];
  return unsupported.length > 0 ? { results, unsupported: unsupported.join('; ') } : { results };
}
