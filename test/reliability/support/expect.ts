import { expect } from 'vitest';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import type { DriftTransition } from '../../../shared/drift/index.js';
import { planDeliveries } from '../../../shared/notify/index.js';
import {
  acceptAll,
  deliverAll,
  loadFunctions,
  snsAccepts,
  stateOf,
  transitionEntries,
  transitionOfEntry,
  type World,
} from './world.js';

/**
 * Exactly once where it matters, never twice anywhere: every planned (transition, channel) was
 * taken by its channel at most once; the transition each record ends with was taken exactly once
 * (an earlier one may be skipped when its delivery arrives after the record moved on: by design,
 * nobody is alerted about drift already resolved); the AWS client and the webhook saw exactly
 * the messages the channels report.
 */
export async function expectNotifiedOnce(w: World): Promise<void> {
  const { config } = await loadFunctions();
  const distinct = new Map<string, DriftTransition>();
  for (const e of transitionEntries(w.accepted))
    distinct.set(transitionOfEntry(e).key, JSON.parse(e.Detail!) as DriftTransition);
  const channels = { email: async () => undefined, slack: async () => undefined };
  const planned = (t: DriftTransition) =>
    planDeliveries(t, { config, dispatcher: channels }).map(
      (d) => `${d.channel}|${t.record.driftId}|${t.kind}#${t.eventId}@${d.owner}`,
    );
  const all = new Set([...distinct.values()].flatMap(planned));
  expect(w.sent.length, 'a message sent twice').toBe(new Set(w.sent).size);
  for (const s of w.sent) expect(all.has(s), `${s} was never planned`).toBe(true);
  await expectLatestNotified(w);
}

/** Nothing lost: the transition each record ends with was published and taken by every planned channel. */
export async function expectLatestNotified(w: World): Promise<void> {
  const { config } = await loadFunctions();
  const distinct = new Map<string, DriftTransition>();
  for (const e of transitionEntries(w.accepted))
    distinct.set(transitionOfEntry(e).key, JSON.parse(e.Detail!) as DriftTransition);
  const channels = { email: async () => undefined, slack: async () => undefined };
  const planned = (t: DriftTransition) =>
    planDeliveries(t, { config, dispatcher: channels }).map(
      (d) => `${d.channel}|${t.record.driftId}|${t.kind}#${t.eventId}@${d.owner}`,
    );
  for (const r of await w.records()) {
    const last = r.lastTransition;
    const t = last ? distinct.get(`${r.driftId}|${last.kind}#${last.eventId}`) : undefined;
    expect(!last || t !== undefined, `the latest transition of ${r.driftId} (${last?.kind}) was never published`).toBe(
      true,
    );
    for (const p of t ? planned(t) : [])
      expect(w.sent, `the latest transition of ${r.driftId} was not notified`).toContain(p);
  }
  expect(w.emails).toHaveLength(w.messages.filter((c) => c === 'email').length);
  expect(w.slackPosts).toHaveLength(w.messages.filter((c) => c === 'slack').length);
}

/** The dead-letter queues of a run: ingest events and notify deliveries whose invocation threw. */
export interface DeadLetters {
  ingest: Record<string, unknown>[];
  notify: PutEventsRequestEntry[];
}

/**
 * Delivers events to the ingest handlers one by one; what each published goes to notify at
 * once (as EventBridge would, seconds later). Failed invocations end in the dead-letter queues.
 */
export async function runPipeline(
  w: World,
  events: readonly Record<string, unknown>[],
  dlq: DeadLetters = { ingest: [], notify: [] },
): Promise<DeadLetters> {
  for (const e of events) {
    const before = w.accepted.length;
    dlq.ingest.push(...(await deliverAll([e], (x) => w.ingest(x))));
    dlq.notify.push(...(await deliverAll(w.accepted.slice(before), (x) => w.notify(x))));
  }
  return dlq;
}

/**
 * The fault is over: every dependency answers again, a few minutes have passed (claims of
 * crashed sends expire), and the operator replays both dead-letter queues.
 */
export async function recover(w: World, dlq: DeadLetters): Promise<void> {
  w.proxy.setPlan(() => undefined);
  acceptAll(w.accepted);
  snsAccepts(w.emails);
  w.slack.behaviour = () => ({ status: 200 });
  w.clock.advance(5 * 60_000);
  const replay = await runPipeline(w, dlq.ingest);
  const notifyLeft = await deliverAll(dlq.notify, (x) => w.notify(x));
  expect(replay.ingest, 'an event still fails after the fault cleared').toEqual([]);
  expect([...replay.notify, ...notifyLeft], 'a notification still fails after the fault cleared').toEqual([]);
}

/** Converged: the same drift as the fault-free run, every transition notified once. */
export async function expectConverged(w: World, baseline: ReturnType<typeof stateOf>): Promise<void> {
  expect(stateOf(await w.records())).toEqual(baseline);
  await expectNotifiedOnce(w);
}
