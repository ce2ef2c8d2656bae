import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoreFixture } from '../shared/drift/store-fixture.js';
import { fixtureEvent } from '../shared/ingest/ingest-fixture.js';
import { captureStdout, deployedEnvironment, lambdaContext } from './ingest-handler-fixture.js';

const eventBridge = mockClient(EventBridgeClient);
let fx: StoreFixture;
let restore: () => void;
let mod: typeof import('../../functions/ingest-guardduty.js');

beforeAll(async () => {
  ({ fx, restore } = await deployedEnvironment());
  mod = await import('../../functions/ingest-guardduty.js');
});
afterAll(async () => {
  restore();
  await fx.close();
});
afterEach(() => {
  eventBridge.reset();
});

const detailTypes = () => eventBridge.commandCalls(PutEventsCommand).flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => e.DetailType));

describe('Function: ingest-guardduty handler', () => {
  it('opens drift for a violating event and publishes it once, also when EventBridge delivers it twice', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    const event = fixtureEvent('gd-exfiltration.json');
    // Act
    const { result } = await captureStdout(() => mod.handler(event, lambdaContext('ingest-guardduty')));
    const { result: again } = await captureStdout(() => mod.handler(structuredClone(event), lambdaContext('ingest-guardduty')));
    // Assess
    expect(result).toMatchObject({ events: 1, violations: 1, outcomes: { applied: 1 } });
    expect(again).toMatchObject({ outcomes: { duplicate: 1 } });
    const [record] = await fx.store.queryRecords({ statuses: ['open'] });
    expect(record).toMatchObject({ ruleId: 'TPS-GD-90', severity: 'critical' });
    // The duplicate re-publishes the transition it made (at least once; the notifier dedupes).
    expect(new Set(detailTypes())).toEqual(new Set(['Drift Opened']));
  });

  it('records an event of another shape as rejected without throwing', async () => {
    // Act
    const { result } = await captureStdout(() => mod.handler({ 'detail-type': 'Unknown Thing', source: 'aws.example', detail: {} }, lambdaContext('ingest-guardduty')));
    // Assess
    expect(result).toMatchObject({ rejected: 1, events: 0 });
    expect(detailTypes()).toEqual([]);
  });
});
