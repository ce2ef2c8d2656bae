import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '../../../../shared/adapters/aws/eventbridge-publisher.js';
import { PublishError, TRANSITION_GROUP_DETAIL_TYPE } from '../../../../shared/drift/index.js';
import type { DriftTransition } from '../../../../shared/drift/index.js';
import { ingestEvent, type IngestDeps } from '../../../../shared/ingest/index.js';
import { fixedClock } from '../../../../shared/kernel/index.js';
import { createEvaluator } from '../../../../shared/policy/index.js';
import { REPO_ROOT } from '../../../helpers/fixtures.js';
import { startStoreFixture } from '../../drift/store-fixture.js';
import { shippedConfig, shippedPack } from '../../notify/support.js';

const eventBridge = mockClient(EventBridgeClient);
afterEach(() => {
  eventBridge.reset();
});

function transition(i: number, kind: DriftTransition['kind'] = 'opened'): DriftTransition {
  return {
    kind,
    eventId: `e-${i}`,
    eventTime: '2026-11-02T10:00:00.000Z',
    record: {
      driftId: `d-${String(i).padStart(20, '0')}`,
      account: '111122223333',
      region: 'eu-west-1',
      resourceType: 's3-bucket',
      resourceId: `ml-training-${i}`,
      resourceArn: `arn:aws:s3:::ml-training-${i}`,
      ruleId: 'TPS-S3-04',
      title: 'Versioning suspended',
      severity: 'high',
      area: 's3',
      status: 'open',
      lastSeen: '2026-11-02T10:00:00.000Z',
      occurrences: 1,
      lastEventId: `e-${i}`,
      packVersion: 'p',
      owner: 'vision',
    },
  };
}

const noSleep = { sleep: async () => undefined, random: () => 0.5 };

/** The entries that carry one transition each (the `Drift Transitions` groups name them, for notify). */
const perTransition = (entries: readonly PutEventsRequestEntry[]) =>
  entries.filter((e) => e.DetailType !== TRANSITION_GROUP_DETAIL_TYPE);

describe('Class: EventBridgePublisher', () => {
  it('sends at most 10 entries per PutEvents, with source tpguard and the detail-type of each kind', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map(() => ({ EventId: 'x' })),
    }));
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
      busName: 'tpguard-prod',
      ...noSleep,
    });
    // 23 transitions: 20 of one event (vision), 3 of their own events
    const ts = Array.from({ length: 23 }, (_, i) => ({
      ...transition(i, i === 3 ? 'resolved' : 'opened'),
      ...(i < 20 ? { eventId: 'e-0' } : {}),
    }));
    // Act
    await publisher.publish(ts);
    // Assess: 23 transition entries, then 4 groups (one per event and owner), 10 entries per call
    const calls = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!);
    expect(calls.map((c) => c.length)).toEqual([10, 10, 7]);
    const groups = calls.flat().filter((e) => e.DetailType === TRANSITION_GROUP_DETAIL_TYPE);
    expect(groups.map((g) => JSON.parse(g.Detail!).transitions.length)).toEqual([20, 1, 1, 1]);
    expect(JSON.parse(groups[0]!.Detail!)).toMatchObject({
      eventId: 'e-0',
      owner: 'vision',
      transitions: expect.arrayContaining([
        {
          driftId: 'd-00000000000000000003',
          kind: 'resolved',
          eventId: 'e-0',
          eventTime: ts[3]!.eventTime,
          ruleId: 'TPS-S3-04',
          severity: 'high',
        },
      ]),
    });
    expect(calls[0]![3]).toMatchObject({
      EventBusName: 'tpguard-prod',
      Source: 'tpguard',
      DetailType: 'Drift Resolved',
      Resources: ['arn:aws:s3:::ml-training-3'],
    });
    expect(JSON.parse(calls[0]![0]!.Detail!)).toMatchObject({
      kind: 'opened',
      eventId: 'e-0',
      record: { driftId: 'd-00000000000000000000' },
    });
  });

  it('retries only the failed entries, with backoff, until they pass', async () => {
    // Prepare: the second entry is throttled on the first call
    const delays: number[] = [];
    let call = 0;
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      const first = call++ === 0;
      return {
        FailedEntryCount: first ? 1 : 0,
        Entries: input.Entries.map((_, i) =>
          first && i === 1 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : { EventId: 'x' },
        ),
      };
    });
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
      busName: 'b',
      random: () => 1,
      sleep: async (ms) => void delays.push(ms),
    });
    // Act
    await publisher.publish([transition(0), transition(1), transition(2)]);
    // Assess: three transitions and their three groups (one event each), then the throttled one alone
    const calls = eventBridge
      .commandCalls(PutEventsCommand)
      .map((c) => c.args[0].input.Entries!.map((e) => `${e.DetailType} ${JSON.parse(e.Detail!).eventId}`));
    expect(calls).toEqual([
      [
        'Drift Opened e-0',
        'Drift Opened e-1',
        'Drift Opened e-2',
        'Drift Transitions e-0',
        'Drift Transitions e-1',
        'Drift Transitions e-2',
      ],
      ['Drift Opened e-1'],
    ]);
    expect(delays).toEqual([100]);
  });

  it('throws PublishError when entries still fail after the last attempt', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'boom' }] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
      busName: 'b',
      maxAttempts: 3,
      ...noSleep,
    });
    // Act
    const failure = publisher.publish([transition(0)]);
    // Assess
    await expect(failure).rejects.toBeInstanceOf(PublishError);
    await expect(failure).rejects.toThrow(
      '2 transition event(s) not published: after 3 attempts, last InternalFailure: boom',
    );
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(3);
  });

  it('lets a whole-call failure through (after the SDK retries), so the event is retried', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .rejects(Object.assign(new Error('Service unavailable'), { name: 'ServiceUnavailable' }));
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
      busName: 'b',
      ...noSleep,
    });
    // Act + Assess
    await expect(publisher.publish([transition(0)])).rejects.toThrow('Service unavailable');
  });

  it('makes no call for no transitions', async () => {
    // Act
    await new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), { busName: 'b' }).publish([]);
    // Assess
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(0);
  });
});

/** PutEvents as AWS limits it: 10 entries and 256 KiB per request, entry size as EventBridge documents it. */
const PUT_EVENTS_LIMIT = 256 * 1024;
function entrySize(e: { Source?: string; DetailType?: string; Detail?: string; Resources?: string[]; Time?: Date }) {
  const bytes = (s?: string) => Buffer.byteLength(s ?? '', 'utf8');
  return (
    (e.Time ? 14 : 0) +
    bytes(e.Source) +
    bytes(e.DetailType) +
    bytes(e.Detail) +
    (e.Resources ?? []).reduce((n, r) => n + bytes(r), 0)
  );
}

describe('Class: EventBridgePublisher (request size, attack 8)', () => {
  it('delivers every transition of a training job with 50 CJK tags: batches stay under 256 KiB and carry no tags', async () => {
    // Prepare: one CreateTrainingJob violating several rules, each record carrying 50 tags of 128/256 CJK characters
    const requests: number[] = [];
    const accepted: PutEventsRequestEntry[] = [];
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      const size = input.Entries.reduce((n, e) => n + entrySize(e), 0);
      requests.push(size);
      if (input.Entries.length > 10 || size > PUT_EVENTS_LIMIT)
        throw Object.assign(new Error('Total size of the entries in the request is over the limit.'), {
          name: 'ValidationException',
        });
      accepted.push(...input.Entries);
      return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) };
    });
    const event = JSON.parse(
      readFileSync(join(REPO_ROOT, 'events/cloudtrail/sagemaker-create-training-job-open.json'), 'utf8'),
    ) as { detail: { requestParameters: { tags: unknown[] } } };
    event.detail.requestParameters.tags = Array.from({ length: 50 }, (_, i) => ({
      key: `${String(i).padStart(2, '0')}${'鍵'.repeat(126)}`,
      value: '値'.repeat(256),
    }));
    const fx = await startStoreFixture();
    const config = shippedConfig();
    const deps: IngestDeps = {
      evaluator: createEvaluator(await shippedPack(), config),
      store: fx.store,
      publisher: new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
        busName: 'tpguard-prod',
        ...noSleep,
      }),
      clock: fixedClock('2026-11-02T12:00:00Z'),
      intake: 'test',
    };
    try {
      // Act
      const result = await ingestEvent(event, deps);
      // Assess
      expect(result.transitions.length).toBeGreaterThanOrEqual(5);
      expect(result.transitions[0]!.record.tags).toBeDefined();
      expect(perTransition(accepted)).toHaveLength(result.transitions.length);
      expect(accepted).toHaveLength(result.transitions.length + 1); // one group: one event, one owner
      expect(Math.max(...requests)).toBeLessThanOrEqual(PUT_EVENTS_LIMIT);
      for (const e of perTransition(accepted)) expect(JSON.parse(e.Detail!).record.tags).toBeUndefined();
    } finally {
      await fx.close();
    }
  });

  it('sends an oversize transition without its evidence rather than not at all', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: PutEventsRequestEntry[] }) => {
      if (input.Entries.some((e) => entrySize(e) > PUT_EVENTS_LIMIT)) throw new Error('ValidationException');
      return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: 'x' })) };
    });
    const big = { ...transition(1), evidence: { fields: { policy: '漢'.repeat(120_000) } } };
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
      busName: 'tpguard-prod',
      ...noSleep,
    });
    // Act
    await publisher.publish([big, transition(2)]);
    // Assess
    const sent = perTransition(eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries!));
    expect(sent.map((e) => JSON.parse(e.Detail!).eventId)).toEqual(['e-1', 'e-2']);
    expect(JSON.parse(sent[0]!.Detail!).evidence).toEqual({ omitted: 'evidence over the size of a bus event' });
  });
});
