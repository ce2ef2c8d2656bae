import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { EventBridgePublisher } from '../../../../shared/adapters/aws/eventbridge-publisher.js';
import { PublishError } from '../../../../shared/drift/index.js';
import type { DriftTransition } from '../../../../shared/drift/index.js';

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
    const ts = Array.from({ length: 23 }, (_, i) => transition(i, i === 3 ? 'resolved' : 'opened'));
    // Act
    await publisher.publish(ts);
    // Assess
    const calls = eventBridge.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!);
    expect(calls.map((c) => c.length)).toEqual([10, 10, 3]);
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
    // Prepare
    const delays: number[] = [];
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'a' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
          { EventId: 'c' },
        ],
      })
      .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'b' }] });
    const publisher = new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), {
      busName: 'b',
      random: () => 1,
      sleep: async (ms) => void delays.push(ms),
    });
    // Act
    await publisher.publish([transition(0), transition(1), transition(2)]);
    // Assess
    const calls = eventBridge
      .commandCalls(PutEventsCommand)
      .map((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).eventId));
    expect(calls).toEqual([['e-0', 'e-1', 'e-2'], ['e-1']]);
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
      '1 transition event(s) not published: after 3 attempts, last InternalFailure: boom',
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
