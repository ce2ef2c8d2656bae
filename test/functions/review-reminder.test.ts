import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoDriftStore } from '../../shared/adapters/aws/index.js';
import { DynamoExceptionStore } from '../../shared/adapters/aws/index.js';
import { DynamoReviewStore } from '../../shared/adapters/aws/index.js';
import type { LocalTable } from '../../shared/adapters/local/index.js';
import { driftIdOf } from '../../shared/drift/index.js';
import { recordFinding } from '../../shared/drift/index.js';
import { createException } from '../../shared/exceptions/index.js';
import type { ReviewTask } from '../../shared/review/index.js';
import { captureStdout, lambdaContext } from './ingest-handler-fixture.js';
import { reviewEnvironment } from './review-functions.fixture.js';

const TASK = JSON.parse(
  readFileSync(new URL('../shared/review/fixtures/task.json', import.meta.url), 'utf8'),
) as ReviewTask;
const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);
const events = mockClient(EventBridgeClient);
let table: LocalTable;
let restore: () => Promise<void>;
let mod: typeof import('../../functions/review-reminder.js');

beforeAll(async () => {
  ({ table, restore } = await reviewEnvironment());
  mod = await import('../../functions/review-reminder.js');
});
afterAll(async () => restore());
afterEach(() => {
  sns.reset();
  ssm.reset();
  events.reset();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

async function invokeAt(iso: string) {
  vi.setSystemTime(new Date(iso));
  return (await captureStdout(() => mod.handler({}, lambdaContext('tpguard-review-reminder')))).result;
}

describe('Function: review-reminder handler (deployed wiring)', () => {
  it('reminds, escalates once, and reopens drift whose exception expired through the tpguard bus', async () => {
    // Prepare: an open task, and legacy drift suppressed by an exception that ends on 20 April
    vi.useFakeTimers({ toFake: ['Date'] });
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e-1' }] });
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: 'https://hooks.slack.com/services/T/B/x' } });
    vi.stubGlobal('fetch', async () => new Response('ok'));
    await new DynamoReviewStore(table.doc, table.tableName).putTaskIfAbsent(structuredClone(TASK));
    const exc = createException(
      {
        ruleId: 'TPS-S3-90',
        resource: 'ml-training-legacy-*',
        reason: 'migration',
        approvedBy: 'CISO office',
        expiresAt: '2027-04-20T22:00:00.000Z',
      },
      new Date('2027-04-01T00:00:00Z'),
      365,
    );
    await new DynamoExceptionStore(table.doc, table.tableName).add(exc);
    const key = {
      account: '111122223333',
      region: 'eu-west-1',
      resourceType: 's3-bucket',
      resourceId: 'ml-training-legacy-2019',
      ruleId: 'TPS-S3-90',
    };
    const facts = {
      ...key,
      driftId: driftIdOf(key),
      title: 'Training bucket versioning is suspended',
      severity: 'medium' as const,
      area: 's3',
      owner: 'storage',
      packVersion: 'p1',
    };
    const drift = new DynamoDriftStore(table.doc, { tableName: table.tableName });
    await recordFinding(
      drift,
      {
        facts,
        intent: 'suppress',
        verdict: 'violation',
        eventId: 'ev-legacy',
        eventTime: '2027-04-05T09:00:00.000Z',
        source: 'cloudtrail',
        exceptionId: exc.exceptionId,
      },
      '2027-04-05T09:00:00.000Z',
    );

    // Act
    const apr17 = await invokeAt('2027-04-17T06:00:00Z');
    const apr17again = await invokeAt('2027-04-17T07:00:00Z');
    const apr21 = await invokeAt('2027-04-21T06:00:00Z');
    const may8 = await invokeAt('2027-05-08T06:00:00Z');
    const may9 = await invokeAt('2027-05-09T06:00:00Z');

    // Assess
    expect(apr17).toEqual({ reminders: ['2027-Q2/reviewers#d14'], escalations: [], reopened: [], suppressed: [] });
    expect(apr17again.reminders).toEqual([]);
    expect(apr21).toEqual({ reminders: [], escalations: [], reopened: [facts.driftId], suppressed: [] });
    expect(may8.escalations).toEqual(['2027-Q2/reviewers']);
    expect(may9.escalations).toEqual([]);
    const mails = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(
      mails.map((i) => `${i.MessageAttributes?.transition?.StringValue} ${i.MessageAttributes?.owner?.StringValue}`),
    ).toEqual(['review-reminder reviewers', 'review-escalation escalation']);
    const put = events.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
    expect(put.map((e) => [e.Source, e.DetailType, e.EventBusName])).toEqual([
      ['tpguard', 'Drift Reopened', 'tpguard-test'],
      ['tpguard', 'Drift Transitions', 'tpguard-test'],
    ]);
    expect(JSON.parse(put[0]!.Detail!)).toMatchObject({
      kind: 'reopened',
      record: { driftId: facts.driftId, status: 'open' },
    });
  });
});
