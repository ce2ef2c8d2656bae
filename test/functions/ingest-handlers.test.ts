import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StoreFixture } from '../shared/drift/store-fixture.js';
import { fixtureEvent } from '../shared/ingest/ingest-fixture.js';
import { captureStdout, deployedEnvironment, lambdaContext } from './ingest-handler-fixture.js';

const eventBridge = mockClient(EventBridgeClient);
afterEach(() => {
  eventBridge.reset();
});

/** The middy-wrapped handler every ingest function exports (same signature for each). */
type IngestHandler = typeof import('../../functions/ingest-config.js')['handler'];

const detailTypes = () =>
  eventBridge.commandCalls(PutEventsCommand).flatMap((c) => (c.args[0].input.Entries ?? []).map((e) => e.DetailType));

/** The ingest functions other than CloudTrail's (which has its own tests), with a violating fixture each. */
const HANDLERS = [
  {
    name: 'ingest-config',
    load: () => import('../../functions/ingest-config.js'),
    fixture: 'cfg-bucket-unversioned.json',
    ruleId: 'TPS-CFG-90',
    severity: 'medium',
  },
  {
    name: 'ingest-guardduty',
    load: () => import('../../functions/ingest-guardduty.js'),
    fixture: 'gd-exfiltration.json',
    ruleId: 'TPS-GD-90',
    severity: 'critical',
  },
] as const;

describe.each(HANDLERS)('Function: $name handler', ({ name, load, fixture, ruleId, severity }) => {
  let fx: StoreFixture;
  let restore: () => void;
  let handler: IngestHandler;

  beforeAll(async () => {
    ({ fx, restore } = await deployedEnvironment());
    handler = (await load()).handler;
  });
  afterAll(async () => {
    restore();
    await fx.close();
  });

  it('opens drift for a violating event and publishes it once, also when EventBridge delivers it twice', async () => {
    // Prepare
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
    const event = fixtureEvent(fixture);
    // Act
    const { result } = await captureStdout(() => handler(event, lambdaContext(name)));
    const { result: again } = await captureStdout(() => handler(structuredClone(event), lambdaContext(name)));
    // Assess
    expect(result).toMatchObject({ events: 1, violations: 1, outcomes: { applied: 1 } });
    expect(again).toMatchObject({ outcomes: { duplicate: 1 } });
    const [record] = await fx.store.queryRecords({ statuses: ['open'] });
    expect(record).toMatchObject({ ruleId, severity });
    // The duplicate re-publishes the transition it made (at least once; the notifier dedupes).
    expect(new Set(detailTypes())).toEqual(new Set(['Drift Opened', 'Drift Transitions']));
  });

  if (name === 'ingest-config') {
    it('handles SageMaker state changes too (same function)', async () => {
      // Prepare
      eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });
      // Act
      const { result } = await captureStdout(() => handler(fixtureEvent('sc-training-open.json'), lambdaContext(name)));
      // Assess
      expect(result).toMatchObject({ events: 1, violations: 1, transitions: [expect.stringMatching(/^opened d-/)] });
      const records = await fx.store.queryRecords({ statuses: ['open'] });
      expect(records.map((r) => r.ruleId)).toContain('TPS-SM-91');
    });
  }

  it('records an event of another shape as rejected without throwing', async () => {
    // Act
    const { result } = await captureStdout(() =>
      handler({ 'detail-type': 'Unknown Thing', source: 'aws.example', detail: {} }, lambdaContext(name)),
    );
    // Assess
    expect(result).toMatchObject({ rejected: 1, events: 0 });
    expect(detailTypes()).toEqual([]);
  });
});
