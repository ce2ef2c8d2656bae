import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoreFixture } from '../shared/drift/store-fixture.js';
import { fixtureEvent, ingestFixture } from '../shared/ingest/ingest-fixture.js';
import { captureStdout, deployedEnvironment, lambdaContext } from './ingest-handler-fixture.js';

const eventBridge = mockClient(EventBridgeClient);
let fx: StoreFixture;
let restore: () => void;
let mod: typeof import('../../functions/ingest-cloudtrail.js');

beforeAll(async () => {
  ({ fx, restore } = await deployedEnvironment());
  mod = await import('../../functions/ingest-cloudtrail.js');
});
afterAll(async () => {
  restore();
  await fx.close();
});
afterEach(() => {
  eventBridge.reset();
});

const entries = () => eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);

describe('Function: ingest-cloudtrail handler', () => {
  it('records drift in DynamoDB and publishes "Drift Opened" to the tpguard bus', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    // Act
    const { result } = await captureStdout(() =>
      mod.handler(fixtureEvent('ct-versioning-suspended.json'), lambdaContext('ingest-cloudtrail')),
    );
    // Assess
    expect(result).toMatchObject({ events: 1, violations: 1, rejected: 0 });
    const [entry, group] = entries();
    expect(group).toMatchObject({ Source: 'tpguard', DetailType: 'Drift Transitions' });
    expect(JSON.parse(group!.Detail!)).toMatchObject({ owner: 'vision', transitions: [{ kind: 'opened' }] });
    expect(entry).toMatchObject({
      EventBusName: 'tpguard-test',
      Source: 'tpguard',
      DetailType: 'Drift Opened',
      Resources: ['arn:aws:s3:::ml-training-vision-raw'],
    });
    const detail = JSON.parse(entry!.Detail!);
    expect(detail).toMatchObject({ kind: 'opened', record: { ruleId: 'TPS-S3-90', status: 'open', owner: 'vision' } });
    expect((await fx.store.getRecord(detail.record.driftId))?.status).toBe('open');
  });

  it('logs event and rule ids and emits metrics, never the secrets of the event', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    // Act
    const { output } = await captureStdout(() =>
      mod.handler(fixtureEvent('ct-training-open.json'), lambdaContext('ingest-cloudtrail')),
    );
    // Assess
    expect(output).toContain('"eventId":"7b2d1f3c-0001-4d4f-8c2b-000000000011"');
    expect(output).toContain('TPS-SM-90');
    expect(output).toContain('"transition":"opened"');
    expect(output).toMatch(/"Name":"EventsEvaluated"/);
    expect(output).toMatch(/"Name":"Violations"/);
    for (const secret of ['AKIAIOSFODNN7EXAMPLE', 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', 'hunter2'])
      expect(output).not.toContain(secret);
  });

  it('acknowledges input that can never succeed: recorded, counted, not thrown', async () => {
    // Act
    const { result, output } = await captureStdout(() =>
      mod.handler(fixtureEvent('bad-shape.json'), lambdaContext('ingest-cloudtrail')),
    );
    // Assess
    expect(result).toMatchObject({ events: 0, rejected: 1 });
    expect(output).toMatch(/"Name":"RejectedInputs"/);
    expect(output).toContain('input rejected');
    expect(entries()).toHaveLength(0);
  });

  it('throws when EventBridge keeps failing entries, so that Lambda retries the event', async () => {
    // Prepare
    eventBridge
      .on(PutEventsCommand)
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }] });
    const event = fixtureEvent('ct-versioning-other-bucket.json');
    // Act + Assess
    await expect(captureStdout(() => mod.handler(event, lambdaContext('ingest-cloudtrail')))).rejects.toThrow(
      /not published/,
    );
    // Prepare the retry: EventBridge recovered
    eventBridge.reset();
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    // Act
    await captureStdout(() => mod.handler(structuredClone(event), lambdaContext('ingest-cloudtrail')));
    // Assess: the retry is a duplicate for the store, and the transition is published now
    expect(entries().map((e) => e.DetailType)).toEqual(['Drift Opened', 'Drift Transitions']);
  });

  it('exposes a plain lambdaHandler that tests call with their own dependencies', async () => {
    // Prepare
    const published: string[] = [];
    const ing = await ingestFixture(fx, {
      publisher: { publish: async (ts) => void published.push(...ts.map((t) => t.kind)) },
    });
    // Act
    const summary = await mod.lambdaHandler(fixtureEvent('ct-unrelated.json'), ing.deps);
    // Assess
    expect(summary).toMatchObject({ events: 1, findings: 0, rejected: 0, transitions: [] });
    expect(published).toEqual([]);
  });
});
