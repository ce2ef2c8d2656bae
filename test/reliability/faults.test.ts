import { PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand } from '@aws-sdk/client-sns';
import { createHash } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../bench/random.js';
import { allFixtureEvents } from '../shared/ingest/ingest-fixture.js';
import { expectConverged, expectLatestNotified, recover, runPipeline } from './support/expect.js';
import type { FaultKind, FaultPlan } from './support/fault-proxy.js';
import {
  acceptSome,
  createWorld,
  eventBridge,
  loadFunctions,
  sns,
  stateOf,
  transitionEntries,
  transitionOfEntry,
  type World,
} from './support/world.js';

/**
 * Faults of every dependency, one at a time: retried as designed; what still fails throws
 * (Lambda retries, then the dead-letter queue keeps it); once the fault is over, replaying the
 * dead-letter queues loses nothing and duplicates nothing.
 */
const events = allFixtureEvents();
let baseline: ReturnType<typeof stateOf>;
let w: World;

/**
 * Fails the first attempt of a share of the distinct requests (seeded); the SDK's retry of the
 * same body passes. The share keeps the SDK's real backoff (up to a second for throttling) short.
 */
function firstAttemptFails(kind: FaultKind | ((n: number) => FaultKind), share = 1): FaultPlan {
  const seen = new Set<string>();
  const rnd = new SeededRandom(0xf1_257);
  let n = 0;
  return (_op, _i, body) => {
    const key = createHash('sha256').update(body).digest('hex');
    if (seen.has(key)) return undefined;
    seen.add(key);
    if (!rnd.chance(share)) return undefined;
    return typeof kind === 'function' ? kind(n++) : kind;
  };
}

/** The notifier's ledger write that marks a claimed message as sent. */
const isConfirmation = (body: string) => body.includes('":sent"');

beforeAll(async () => {
  const clean = await createWorld();
  await runPipeline(clean, events);
  baseline = stateOf(await clean.records());
  await clean.close();
});
afterEach(async () => {
  await w?.close();
  eventBridge.reset();
  sns.reset();
});
afterAll(async () => (await loadFunctions()).close());

describe('Function: DynamoDB faults (fault-injecting proxy in front of the embedded store)', () => {
  it('absorbs throttling and 500s on the first attempt of every request with the SDK retries', async () => {
    // Prepare
    w = await createWorld();
    w.proxy.setPlan(firstAttemptFails((n) => (n % 2 === 0 ? 'throttle' : 'server-error'), 0.4));

    // Act
    const dlq = await runPipeline(w, events);

    // Assess
    expect(w.proxy.faults.throttle).toBeGreaterThan(5);
    expect(w.proxy.faults['server-error']).toBeGreaterThan(5);
    expect(dlq).toEqual({ ingest: [], notify: [] });
    await expectConverged(w, baseline);
  });

  it('sends what still fails to the dead-letter queue, and replaying it loses and duplicates nothing', async () => {
    // Prepare: a third of all attempts fail, so some requests fail three times in a row. The
    // notifier's confirmation write is spared here: its window is the next test's.
    w = await createWorld();
    const rnd = new SeededRandom(0xdd_b0);
    w.proxy.setPlan((_o, _i, body) =>
      isConfirmation(body) ? undefined : rnd.chance(0.35) ? (rnd.chance(0.3) ? 'throttle' : 'server-error') : undefined,
    );

    // Act
    const dlq = await runPipeline(w, events);
    await recover(w, dlq);

    // Assess
    expect(dlq.ingest.length + dlq.notify.length).toBeGreaterThan(0);
    await expectConverged(w, baseline);
  });

  it('sends a message again, never loses it, when the ledger cannot confirm it after the channel took it', async () => {
    // Prepare: every confirmation write fails (all SDK attempts)
    w = await createWorld();
    w.proxy.setPlan((_o, _i, body) => (isConfirmation(body) ? 'server-error' : undefined));

    // Act
    const dlq = await runPipeline(w, events);
    const unconfirmed = [...w.sent];
    await recover(w, dlq);
    const afterReplay = [...w.sent];
    await recover(w, { ingest: [], notify: [...w.accepted] });

    // Assess: at least once; the one repeat is the message whose confirmation failed, and only once
    expect(unconfirmed.length).toBeGreaterThan(0);
    const repeated = afterReplay.filter((m, i) => afterReplay.indexOf(m) !== i);
    expect(repeated.sort()).toEqual(unconfirmed.filter((m) => afterReplay.filter((x) => x === m).length > 1).sort());
    expect(w.sent).toEqual(afterReplay);
    expect(stateOf(await w.records())).toEqual(baseline);
    await expectLatestNotified(w);
  });

  it('loses no transition when a write is applied but its answer is lost, and the SDK retries it', async () => {
    // Prepare
    w = await createWorld();
    w.proxy.setPlan(firstAttemptFails('lost-response'));

    // Act
    const dlq = await runPipeline(w, events);
    await recover(w, dlq);

    // Assess
    expect(w.proxy.faults['lost-response']).toBeGreaterThan(10);
    await expectConverged(w, baseline);
  });

  it('keeps nothing half-written during a whole outage, and converges on replay', async () => {
    // Prepare
    w = await createWorld();
    w.proxy.setPlan(() => 'server-error');

    // Act
    const dlq = await runPipeline(w, events);
    const during = await w.records();
    await recover(w, dlq);

    // Assess
    expect(dlq.ingest.length).toBeGreaterThan(0);
    expect(during).toEqual([]);
    await expectConverged(w, baseline);
  });
});

describe('Function: EventBridge PutEvents partial failures', () => {
  it('retries only the failed entries, each accepted once', async () => {
    // Prepare: every entry fails its first PutEvents
    w = await createWorld();
    const failedOnce = new Set<string>();
    acceptSome(w.accepted, (e) => failedOnce.has(e.Detail!) || !failedOnce.add(e.Detail!));

    // Act
    const dlq = await runPipeline(w, events);

    // Assess
    expect(dlq).toEqual({ ingest: [], notify: [] });
    expect(w.publisherWaits.length).toBeGreaterThan(0);
    const keys = transitionEntries(w.accepted).map((e) => transitionOfEntry(e).key);
    expect(keys.length).toBe(new Set(keys).size);
    await expectConverged(w, baseline);
  });

  it('throws when entries keep failing, and the replay publishes them (notified once)', async () => {
    // Prepare: EventBridge rejects every entry
    w = await createWorld();
    acceptSome(w.accepted, () => false);

    // Act
    const dlq = await runPipeline(w, events);
    await recover(w, dlq);

    // Assess
    expect(dlq.ingest.length).toBeGreaterThan(0);
    expect(eventBridge.commandCalls(PutEventsCommand).length).toBeGreaterThan(dlq.ingest.length);
    await expectConverged(w, baseline);
  });
});

describe('Function: notification channel faults', () => {
  it('retries an SNS failure through the dead-letter queue without sending Slack twice', async () => {
    // Prepare
    w = await createWorld();
    sns.on(PublishCommand).rejects(Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' }));

    // Act
    const dlq = await runPipeline(w, events);
    const slackBefore = w.slackPosts.length;
    await recover(w, dlq);

    // Assess
    expect(dlq.notify.length).toBeGreaterThan(0);
    expect(slackBefore).toBeGreaterThan(0);
    await expectConverged(w, baseline);
  });

  it('waits for Slack 429 Retry-After and backs off on 500 within the invocation', async () => {
    // Prepare: each message is first rate limited (Retry-After 2 s), then answered 500, then taken
    w = await createWorld();
    w.slack.behaviour = (n) =>
      [{ status: 429, headers: { 'retry-after': '2' } }, { status: 500 }, { status: 200 }][n % 3];

    // Act
    const dlq = await runPipeline(w, events);

    // Assess
    expect(dlq).toEqual({ ingest: [], notify: [] });
    expect(w.slackWaits.filter((ms) => ms === 2000).length).toBe(w.slackPosts.length);
    expect(w.slackWaits.some((ms) => ms > 0 && ms !== 2000)).toBe(true);
    await expectConverged(w, baseline);
  });

  it('gives up on a persistent 500 or a long Retry-After, and the replay sends each message once', async () => {
    // Prepare
    w = await createWorld();
    w.slack.behaviour = (n) => (n % 2 === 0 ? { status: 500 } : { status: 429, headers: { 'retry-after': '3600' } });

    // Act
    const dlq = await runPipeline(w, events);
    await recover(w, dlq);

    // Assess
    expect(dlq.notify.length).toBeGreaterThan(0);
    expect(Math.max(...w.slackWaits)).toBeLessThan(10_000);
    await expectConverged(w, baseline);
  });
});
