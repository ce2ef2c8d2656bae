import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import {
  DescribeExecutionCommand,
  DescribeMapRunCommand,
  ListMapRunsCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runBackfill } from '../../cli/commands/backfill.js';
import { CliError } from '../../cli/errors.js';
import { type LocalS3, putObjects, startLocalS3 } from '../helpers/s3-server.js';

/**
 * `tpguard backfill` / `npm run backfill`: Step Functions cannot run here, so the SFN and
 * CloudFormation clients are mocked (aws-sdk-client-mock); the state machine itself is checked
 * through its generated ASL (test/deploy/backfill-asl.test.ts). The results bucket the command
 * summarizes is a real S3 API on 127.0.0.1 (fauxqs).
 */

const cfn = mockClient(CloudFormationClient);
const sfn = mockClient(SFNClient);
const SM = 'arn:aws:states:eu-west-1:111122223333:stateMachine:tpguard-prod-backfill';
const EXEC =
  'arn:aws:states:eu-west-1:111122223333:execution:tpguard-prod-backfill:backfill-20261001-20261231-20261207T101500';
const MAP_RUN = `arn:aws:states:eu-west-1:111122223333:mapRun:tpguard-prod-backfill/Prefixes:0b5d1f9e-1111-2222-3333-444455556666`;

const outputs = (extra: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'tpguard-prod',
      StackStatus: 'UPDATE_COMPLETE',
      CreationTime: new Date('2026-11-01T00:00:00Z'),
      Outputs: [
        { OutputKey: 'TableName', OutputValue: 'tpguard-prod' },
        ...Object.entries(extra).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
      ],
    },
  ],
});

const DEPLOYED = {
  BackfillStateMachineArn: SM,
  BackfillResultsBucket: 'tpguard-prod-backfillresults-1a2b3c',
  ArchiveBucket: 'org-trail-archive',
};

const OPTS = {
  stage: 'prod',
  region: 'eu-west-1',
  from: '2026-10-01',
  to: '2026-12-31',
  kind: 'cloudtrail',
  prefix: '',
  concurrency: '50',
  toleratedFailure: '5',
  poll: '15',
  wait: true,
};

function io() {
  let text = '';
  const sleeps: number[] = [];
  return {
    io: {
      now: () => new Date('2026-12-07T10:15:00Z'),
      sleep: async (ms: number) => void sleeps.push(ms),
      out: {
        write: (s: string) => {
          text += s;
          return true;
        },
      } as unknown as NodeJS.WritableStream,
    },
    text: () => text,
    sleeps,
  };
}

const mapRun = (c: { total: number; succeeded: number; failed: number; running: number }, status = 'RUNNING') => ({
  status,
  itemCounts: {
    ...c,
    pending: 0,
    timedOut: 0,
    aborted: 0,
    resultsWritten: c.succeeded,
    failuresNotRedrivable: 0,
    pendingRedrive: 0,
  },
});

const NAME = 'backfill-20261001-20261231-20261207T101500';
/** What the ResultWriter wrote for two batches (FLATTEN: one line per element of the worker's output). */
const RESULT_LINES = [
  '{"eventId":"e1","ruleId":"TPS-SM-01","verdict":"violation"}',
  '{"batch":{"batchId":"a","objects":50,"skipped":0,"records":49000,"violations":1,"rejected":1,"owners":{"vision":{"opened":2,"resolved":1}}}}',
  '{"batch":{"batchId":"b","objects":12,"skipped":0,"records":11000,"violations":0,"rejected":0,"owners":{"vision":{"opened":1},"nlp\\u001b[2J":{"opened":1}}}}',
].join('\n');

let s3: LocalS3;
beforeAll(async () => {
  s3 = await startLocalS3();
  const results = new Map([[`backfill/${NAME}/verdicts/0b5d1f9e/SUCCEEDED_0.json`, Buffer.from(RESULT_LINES)]]);
  await putObjects(s3.admin, 'tpguard-prod-backfillresults-1a2b3c', results);
});
afterAll(async () => {
  await s3?.stop();
});

beforeEach(() => {
  cfn.on(DescribeStacksCommand).resolves(outputs(DEPLOYED) as never);
  sfn.on(StartExecutionCommand).resolves({ executionArn: EXEC, startDate: new Date() });
});
afterEach(() => {
  cfn.reset();
  sfn.reset();
});

describe('Command: backfill', () => {
  it('starts an execution with the selection, prints its ARN and progress until it ends, and the results', async () => {
    // Prepare
    sfn
      .on(DescribeExecutionCommand)
      .resolvesOnce({ status: 'RUNNING' } as never)
      .resolvesOnce({ status: 'RUNNING' } as never)
      .resolves({ status: 'SUCCEEDED' } as never);
    sfn
      .on(ListMapRunsCommand)
      .resolvesOnce({ mapRuns: [] })
      .resolves({ mapRuns: [{ mapRunArn: MAP_RUN, executionArn: EXEC, stateMachineArn: SM, startDate: new Date() }] });
    sfn
      .on(DescribeMapRunCommand)
      .resolvesOnce(mapRun({ total: 6, succeeded: 2, failed: 1, running: 3 }) as never)
      .resolves(mapRun({ total: 6, succeeded: 5, failed: 1, running: 0 }, 'SUCCEEDED') as never);
    const out = io();

    // Act
    const code = await runBackfill({ ...OPTS, accounts: '111122223333', record: true }, out.io);

    // Assess
    expect(code).toBe(0);
    const start = sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input;
    expect(start.stateMachineArn).toBe(SM);
    expect(start.name).toBe('backfill-20261001-20261231-20261207T101500');
    expect(JSON.parse(start.input!)).toEqual({
      kind: 'cloudtrail',
      prefix: '',
      from: '2026-10-01',
      to: '2026-12-31',
      accounts: ['111122223333'],
      regions: [],
      record: true,
      prefixConcurrency: 5,
      batchConcurrency: 10,
      toleratedFailurePercentage: 5,
    });
    expect(out.text().split('\n')).toEqual([
      `started ${EXEC}`,
      '  s3://org-trail-archive/, cloudtrail 2026-10-01..2026-12-31, 111122223333, every region, recorded as drift; at most 50 batches at once',
      'RUNNING   planning',
      'RUNNING   prefixes 3/6 done, 1 failed, 3 running',
      'SUCCEEDED prefixes 6/6 done, 1 failed, 0 running',
      `results: s3://${DEPLOYED.BackfillResultsBucket}/backfill/backfill-20261001-20261231-20261207T101500/verdicts/ (JSON lines: violations, and one {"batch": ...} line per batch)`,
      '  2 batches: 62 objects, 60,000 records, 1 violations, 1 rejected',
      '  owner vision: 3 opened, 1 resolved',
      '  owner nlp\\x1b[2J: 1 opened',
      '',
    ]);
    expect(out.sleeps).toEqual([15_000, 15_000]);
  });

  it('reports a failed execution with its error and exits 2', async () => {
    // Prepare
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ status: 'FAILED', error: 'BackfillFailed', cause: 'too many\nfailures\u001b[2J' } as never);
    sfn.on(ListMapRunsCommand).resolves({ mapRuns: [] });
    const out = io();

    // Act
    const code = await runBackfill(OPTS, out.io);

    // Assess
    expect(code).toBe(2);
    expect(out.text()).toContain('backfill failed: BackfillFailed: too many\n');
    // What the batches did before the run failed is still summarized.
    expect(out.text()).toContain('  2 batches: 62 objects, 60,000 records, 1 violations, 1 rejected\n');
    expect(out.text()).not.toContain('\u001b');
  });

  it('refuses a stack deployed without an archive bucket, before starting anything', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand).resolves(outputs({ ...DEPLOYED, ArchiveBucket: '' }) as never);

    // Act
    const run = runBackfill(OPTS, io().io);

    // Assess
    await expect(run).rejects.toThrow(/reads no archive: deploy with --param archiveBucket=/);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  it.each([
    [{ from: '2026-13-01' }, '--from'],
    [{ to: '2026-09-01' }, '--to'],
    [{ accounts: '1111' }, '--accounts'],
    [{ concurrency: '0' }, '--concurrency'],
    [{ toleratedFailure: '101' }, '--tolerated-failure'],
    [{ stage: 'prod;rm' }, '--stage'],
  ])('refuses %o before calling AWS', async (bad, option) => {
    // Act
    const run = runBackfill({ ...OPTS, ...bad }, io().io);

    // Assess
    await expect(run).rejects.toThrow(CliError);
    await expect(run).rejects.toThrow(option);
    expect(cfn.calls()).toHaveLength(0);
    expect(sfn.calls()).toHaveLength(0);
  });

  it('says in one line when Step Functions refuses the start', async () => {
    // Prepare
    sfn.on(StartExecutionCommand).rejects(
      Object.assign(new Error('User is not authorized to perform: states:StartExecution'), {
        name: 'AccessDeniedException',
      }),
    );

    // Act
    const run = runBackfill(OPTS, io().io);

    // Assess
    await expect(run).rejects.toThrow(
      'cannot start the backfill (states:StartExecution): AccessDeniedException: User is not authorized to perform: states:StartExecution',
    );
  });
});
