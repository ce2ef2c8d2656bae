import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { DynamoReviewStore } from '../../shared/adapters/aws/index.js';
import type { LocalTable } from '../../shared/adapters/local/index.js';
import { captureStdout, lambdaContext } from './ingest-handler-fixture.js';
import { reviewEnvironment } from './review-functions.fixture.js';

const sns = mockClient(SNSClient);
const ssm = mockClient(SSMClient);
let table: LocalTable;
let restore: () => Promise<void>;
let mod: typeof import('../../functions/review-scheduler.js');

beforeAll(async () => {
  ({ table, restore } = await reviewEnvironment());
  mod = await import('../../functions/review-scheduler.js');
});
afterAll(async () => restore());
afterEach(() => {
  sns.reset();
  ssm.reset();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('Function: review-scheduler handler (deployed wiring)', () => {
  it("opens the period's tasks once, e-mails their owners through SNS and posts to the SSM-held Slack webhooks", async () => {
    // Prepare
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2027-04-01T07:00:00Z'));
    sns.on(PublishCommand).resolves({ MessageId: 'm-1' });
    ssm.on(GetParameterCommand).callsFake((input: { Name: string }) => ({
      Parameter: { Name: input.Name, Value: `https://hooks.slack.com/services/T/B${input.Name}` },
    }));
    const posted: string[] = [];
    vi.stubGlobal('fetch', async (url: string) => {
      posted.push(url);
      return new Response('ok');
    });

    // Act
    const { result: first, output } = await captureStdout(() =>
      mod.handler({}, lambdaContext('tpguard-review-scheduler')),
    );
    const { result: second } = await captureStdout(() => mod.handler({}, lambdaContext('tpguard-review-scheduler')));

    // Assess
    expect(first).toEqual({
      period: '2027-Q2',
      dueAt: '2027-05-01T07:00:00.000Z',
      created: ['2027-Q2/reviewers', '2027-Q2/storage', '2027-Q2/vision'],
      existing: [],
    });
    expect(second.created).toEqual([]);
    const emails = sns.commandCalls(PublishCommand).map((c) => c.args[0].input);
    expect(
      emails.map((i) => [
        i.MessageAttributes?.owner?.StringValue,
        i.MessageAttributes?.transition?.StringValue,
        i.MessageAttributes?.taskId?.StringValue,
      ]),
    ).toEqual([
      ['reviewers', 'review-opened', '2027-Q2/reviewers'],
      ['storage', 'review-opened', '2027-Q2/storage'],
      ['vision', 'review-opened', '2027-Q2/vision'],
    ]);
    expect(posted.map((u) => u.split('/B')[1])).toEqual(['/tpguard/slack/ml-platform', '/tpguard/slack/vision']);
    expect(output).not.toContain('hooks.slack.com');
    expect((await new DynamoReviewStore(table.doc, table.tableName).listTasks()).map((t) => t.taskId).sort()).toEqual([
      '2027-Q2/reviewers',
      '2027-Q2/storage',
      '2027-Q2/vision',
    ]);
  });
});
