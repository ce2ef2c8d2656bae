import { BedrockClient } from '@aws-sdk/client-bedrock';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBaselineRuns } from '../../shared/adapters/aws/index.js';
import { TRANSITION_DETAIL_TYPES } from '../../shared/drift/index.js';
import { BATCH_SUMMARY_DETAIL_TYPE } from '../../shared/notify/index.js';
import { fakeAccount } from '../helpers/baseline-account.js';
import { packagedFiles } from '../helpers/packaged-files.js';
import { startStoreFixture, type StoreFixture } from '../shared/drift/store-fixture.js';
import { captureStdout, lambdaContext } from './ingest-handler-fixture.js';

const config = mockClient(ConfigServiceClient);
const sagemaker = mockClient(SageMakerClient);
const bedrock = mockClient(BedrockClient);
const eventBridge = mockClient(EventBridgeClient);
const ROOT = join(import.meta.dirname, '../..');
const READ_ONLY = /^(List|BatchGet|Describe|Get)/;
let fx: StoreFixture;
let mod: typeof import('../../functions/baseline.js');
const saved: Record<string, string | undefined> = {};

beforeAll(async () => {
  fx = await startStoreFixture();
  const packaged = await packagedFiles(join(ROOT, 'tpguard.config.yaml'), join(ROOT, 'policies'));
  const vars: Record<string, string> = {
    TPGUARD_TABLE: fx.table.tableName,
    TPGUARD_BUS_NAME: 'tpguard-test',
    TPGUARD_CONFIG_FILE: packaged.configFile,
    TPGUARD_POLICY_DIR: packaged.policyDir,
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_ENDPOINT_URL_DYNAMODB: fx.table.endpoint,
    POWERTOOLS_METRICS_NAMESPACE: 'tpguard',
  };
  for (const [k, v] of Object.entries(vars)) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
  mod = await import('../../functions/baseline.js');
});
afterAll(async () => {
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  await fx.close();
});
afterEach(() => {
  for (const m of [config, sagemaker, bedrock, eventBridge]) m.reset();
});

const entries = () => eventBridge.commandCalls(PutEventsCommand).flatMap((c) => c.args[0].input.Entries ?? []);
const commandsOf = (m: typeof config | typeof sagemaker | typeof bedrock) =>
  m.calls().map((c) => (c.args[0] as { constructor: { name: string } }).constructor.name);

describe('Function: baseline handler', () => {
  it('reads a mocked account read-only, opens drift marked baseline, records the run, publishes one summary per owner', async () => {
    // Prepare: three buckets out of policy, a training job and a customization job in progress
    fakeAccount(config, sagemaker, bedrock, { buckets: 3, jobs: true });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });

    // Act
    const { result } = await captureStdout(() =>
      mod.handler({ trigger: 'on-demand' }, lambdaContext('tpguard-prod-baseline')),
    );

    // Assess: the account of the invocation ARN, every resource read, the jobs evaluated as their events
    expect(result.runs).toEqual([
      expect.objectContaining({ account: '111122223333', region: 'eu-west-1', read: 5, evaluated: 5, unreadable: 0 }),
    ]);
    const open = await fx.store.queryRecords({ statuses: ['open'] });
    expect(new Set(open.map((r) => r.resourceType))).toEqual(
      new Set(['s3-bucket', 'sagemaker-training-job', 'bedrock-customization-job']),
    );
    expect(open.every((r) => r.origin === 'baseline')).toBe(true);
    // The configuration names the owner; the bucket's owner tag (nlp) only adds a recipient (issue 13).
    const tagged = open.filter((r) => r.resourceId === 'ml-training-0');
    expect(tagged.map((r) => r.owner)).toContain('default');
    expect(tagged.flatMap((r) => r.taggedOwners ?? [])).toContain('nlp');
    // ... the run record the report reads
    const runs = await new DynamoBaselineRuns(fx.table.doc, fx.table.tableName).listRuns('2000', '2100');
    expect(runs).toEqual([
      expect.objectContaining({
        runId: result.runId,
        trigger: 'on-demand',
        source: 'config',
        covered: expect.arrayContaining(['AWS::S3::Bucket', 'sagemaker-training-job', 'bedrock-customization-job']),
      }),
    ]);
    // ... transitions on the bus flagged with the batch, and one summary per owner
    const summaries = entries().filter((e) => e.DetailType === BATCH_SUMMARY_DETAIL_TYPE);
    expect(summaries.map((e) => JSON.parse(e.Detail!).owner).sort()).toEqual(result.summaries.sort());
    expect(result.summaries.length).toBeGreaterThan(0);
    const kinds: string[] = Object.values(TRANSITION_DETAIL_TYPES);
    const transitions = entries().filter((e) => kinds.includes(e.DetailType!));
    expect(transitions.length).toBe(open.length);
    expect(transitions.every((e) => JSON.parse(e.Detail!).batch?.batchId === result.runId)).toBe(true);
    // ... and nothing but reads reached Config, SageMaker and Bedrock
    const calls = [...commandsOf(config), ...commandsOf(sagemaker), ...commandsOf(bedrock)];
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.filter((c) => !READ_ONLY.test(c))).toEqual([]);
  });

  it('resolves as gone the drift of a bucket no longer listed, and ignores a trigger that is not a word', async () => {
    // Prepare: the previous test left ml-training-2 open; it is deleted now
    fakeAccount(config, sagemaker, bedrock, { buckets: 2 });
    eventBridge.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'x' }] });

    // Act
    const { result } = await captureStdout(() =>
      mod.handler({ trigger: 'x\u001b[2J' }, lambdaContext('tpguard-prod-baseline')),
    );

    // Assess
    expect(result.runs[0]!.transitions).toMatchObject({ opened: 0, gone: expect.any(Number) });
    expect(result.runs[0]!.transitions.gone).toBeGreaterThan(0);
    const resolved = await fx.store.queryRecords({ statuses: ['resolved'] });
    const gone = resolved.filter((r) => r.resourceId === 'ml-training-2');
    expect(gone.length).toBe(result.runs[0]!.transitions.gone);
    expect(gone.every((r) => r.resolvedReason?.startsWith('gone: s3-bucket ml-training-2'))).toBe(true);
    // The jobs that finished are not listed in progress any more, but jobs are never declared gone.
    expect(resolved.some((r) => r.resourceType === 'sagemaker-training-job')).toBe(false);
    const runs = await new DynamoBaselineRuns(fx.table.doc, fx.table.tableName).listRuns('2000', '2100');
    expect(runs.find((r) => r.runId === result.runId)?.trigger).toBe('schedule');
  });
});
