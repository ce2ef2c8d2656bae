import {
  BedrockClient,
  GetModelCustomizationJobCommand,
  ListModelCustomizationJobsCommand,
} from '@aws-sdk/client-bedrock';
import {
  BatchGetAggregateResourceConfigCommand,
  BatchGetResourceConfigCommand,
  ConfigServiceClient,
  ListAggregateDiscoveredResourcesCommand,
  ListDiscoveredResourcesCommand,
} from '@aws-sdk/client-config-service';
import {
  DescribeTrainingJobCommand,
  ListProcessingJobsCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { AwsStateReader, baselineClients, CONFIG_PAGE } from '../../../../shared/adapters/aws/baseline-reader.js';
import type { BaselinePlan, StateRead, WantedFilter } from '../../../../shared/baseline/index.js';
import { fixedClock } from '../../../../shared/kernel/index.js';
import { type FakeAccount, fakeAccount } from '../../../helpers/baseline-account.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const config = mockClient(ConfigServiceClient);
const sagemaker = mockClient(SageMakerClient);
const bedrock = mockClient(BedrockClient);

afterEach(() => {
  config.reset();
  sagemaker.reset();
  bedrock.reset();
});

function reader(o: { aggregator?: string; concurrency?: number } = {}): AwsStateReader {
  return new AwsStateReader({
    clients: baselineClients({ region: REGION }),
    account: ACCOUNT,
    region: REGION,
    clock: fixedClock('2026-11-03T06:00:00Z'),
    ...o,
  });
}

async function readAll(r: AwsStateReader, plan: BaselinePlan, wanted: WantedFilter = () => true): Promise<StateRead[]> {
  const out: StateRead[] = [];
  for await (const read of r.read(plan, wanted)) out.push(read);
  return out;
}

const ofType = <T extends StateRead['type']>(reads: StateRead[], type: T) =>
  reads.filter((r): r is Extract<StateRead, { type: T }> => r.type === type);

describe('Class: AwsStateReader', () => {
  it('pages through the listing and fetches only wanted resources, at most 100 keys a request', async () => {
    // Prepare: 250 buckets; names ending in 7 are out of scope
    const account: FakeAccount = fakeAccount(config, sagemaker, bedrock, { buckets: 250 });
    const wanted = (_t: string, id: string) => !id.endsWith('7');

    // Act
    const reads = await readAll(reader(), { configTypes: ['AWS::S3::Bucket'], jobs: [] }, wanted);

    // Assess: every bucket listed, 25 skipped, 225 items fetched, the type covered once
    expect(ofType(reads, 'listed').length).toBe(250);
    expect(ofType(reads, 'skipped').length).toBe(25);
    expect(ofType(reads, 'item').length).toBe(225);
    expect(ofType(reads, 'covered')).toEqual([
      { type: 'covered', account: ACCOUNT, region: REGION, configType: 'AWS::S3::Bucket' },
    ]);
    const gets = config.commandCalls(BatchGetResourceConfigCommand);
    expect(gets.every((c) => c.args[0].input.resourceKeys!.length <= CONFIG_PAGE)).toBe(true);
    const fetched = gets.flatMap((c) => c.args[0].input.resourceKeys!.map((k) => k.resourceId));
    expect(fetched.some((id) => id!.endsWith('7'))).toBe(false);
    expect(new Set(fetched).size).toBe(225);
    expect(account.requests()).toEqual({ list: 3, get: 3 });
  });

  it('reports unprocessed keys and failed batches as unreadable, with the reason, and goes on', async () => {
    // Prepare: BatchGet leaves one key unprocessed; the roles' listing is throttled for good
    fakeAccount(config, sagemaker, bedrock, { buckets: 3, unprocessed: ['ml-training-1'] });
    const throttled = Object.assign(new Error('Rate exceeded'), { name: 'ThrottlingException' });
    config.on(ListDiscoveredResourcesCommand, { resourceType: 'AWS::IAM::Role' }).rejects(throttled);

    // Act
    const reads = await readAll(reader(), { configTypes: ['AWS::IAM::Role', 'AWS::S3::Bucket'], jobs: [] });

    // Assess: the roles are not covered (no listing, so nothing may be declared gone), the buckets are
    expect(ofType(reads, 'unreadable').map((u) => [u.what, u.resourceId, u.reason])).toEqual([
      ['AWS::IAM::Role', undefined, 'ThrottlingException: Rate exceeded'],
      ['AWS::S3::Bucket', 'ml-training-1', 'not processed by BatchGetResourceConfig (try the next run)'],
    ]);
    expect(ofType(reads, 'covered').map((c) => c.configType)).toEqual(['AWS::S3::Bucket']);
    expect(ofType(reads, 'item').length).toBe(2);
  });

  it('reads a whole organization through an aggregator, covering each account and region listed', async () => {
    // Prepare
    config.on(ListAggregateDiscoveredResourcesCommand).resolves({
      ResourceIdentifiers: [
        {
          SourceAccountId: ACCOUNT,
          SourceRegion: REGION,
          ResourceId: 'ml-training-a',
          ResourceName: 'ml-training-a',
          ResourceType: 'AWS::S3::Bucket',
        },
        {
          SourceAccountId: '444455556666',
          SourceRegion: 'us-east-1',
          ResourceId: 'ml-training-b',
          ResourceType: 'AWS::S3::Bucket',
        },
      ],
    });
    config.on(BatchGetAggregateResourceConfigCommand).callsFake((input) => ({
      BaseConfigurationItems: input.ResourceIdentifiers.map((r: { SourceAccountId: string; ResourceId: string }) => ({
        accountId: r.SourceAccountId,
        resourceType: 'AWS::S3::Bucket',
        resourceId: r.ResourceId,
        configurationItemCaptureTime: new Date('2026-11-02T10:00:00Z'),
        configuration: '{}',
      })),
    }));

    // Act
    const reads = await readAll(reader({ aggregator: 'org' }), { configTypes: ['AWS::S3::Bucket'], jobs: [] });

    // Assess
    const listing = config.commandCalls(ListAggregateDiscoveredResourcesCommand)[0]!.args[0].input;
    expect(listing).toMatchObject({ ConfigurationAggregatorName: 'org', ResourceType: 'AWS::S3::Bucket' });
    expect(config.commandCalls(ListDiscoveredResourcesCommand)).toEqual([]);
    expect(ofType(reads, 'covered').map((c) => `${c.account}/${c.region}`)).toEqual([
      `${ACCOUNT}/${REGION}`,
      '444455556666/us-east-1',
    ]);
    // ... items keep the API's names and dates become ISO strings
    expect(ofType(reads, 'item').map((i) => i.item.configurationItemCaptureTime)).toEqual([
      '2026-11-02T10:00:00.000Z',
      '2026-11-02T10:00:00.000Z',
    ]);
    expect(reader({ aggregator: 'org' }).source).toBe('config-aggregator:org');
  });

  it('describes the jobs in progress as their state-change detail (SageMaker times in epoch ms, Bedrock jobStatus)', async () => {
    // Prepare
    fakeAccount(config, sagemaker, bedrock, { buckets: 0, jobs: true });
    sagemaker
      .on(DescribeTrainingJobCommand, { TrainingJobName: 'broken' })
      .rejects(Object.assign(new Error('Access denied'), { name: 'AccessDeniedException' }));
    sagemaker.on(ListTrainingJobsCommand).resolves({
      TrainingJobSummaries: [job('llm-finetune-jdoe-experiment-7'), job('broken')] as never,
    });

    // Act
    const reads = await readAll(reader(), {
      configTypes: [],
      jobs: ['sagemaker-training-job', 'sagemaker-processing-job', 'bedrock-customization-job'],
    });

    // Assess: only jobs in progress are listed
    expect(sagemaker.commandCalls(ListTrainingJobsCommand)[0]!.args[0].input.StatusEquals).toBe('InProgress');
    expect(sagemaker.commandCalls(ListProcessingJobsCommand)[0]!.args[0].input.StatusEquals).toBe('InProgress');
    expect(bedrock.commandCalls(ListModelCustomizationJobsCommand)[0]!.args[0].input.statusEquals).toBe('InProgress');
    const jobs = ofType(reads, 'job');
    expect(jobs.map((j) => [j.kind, j.arn])).toEqual([
      [
        'sagemaker-training-job',
        'arn:aws:sagemaker:eu-west-1:111122223333:training-job/llm-finetune-jdoe-experiment-7',
      ],
      [
        'bedrock-customization-job',
        'arn:aws:bedrock:eu-west-1:111122223333:model-customization-job/amazon.titan-text-express-v1:0:8k/4b67c7179308',
      ],
    ]);
    expect(jobs[0]!.detail).toMatchObject({ TrainingJobStatus: 'InProgress', CreationTime: 1793602696834 });
    expect(jobs[0]!.detail.$metadata).toBeUndefined();
    expect(jobs[1]!.detail).toMatchObject({ jobStatus: 'InProgress', creationTime: '2026-11-02T16:36:20.000Z' });
    expect(jobs[1]!.detail.jobName).toBe('jdoe-claims-ft-test');
    expect(jobs[1]!.detail.status).toBeUndefined();
    expect(bedrock.commandCalls(GetModelCustomizationJobCommand)[0]!.args[0].input.jobIdentifier).toBe(jobs[1]!.arn);
    expect(ofType(reads, 'unreadable').map((u) => [u.what, u.resourceId, u.reason])).toEqual([
      ['sagemaker-training-job', 'broken', 'AccessDeniedException: Access denied'],
    ]);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    // Prepare: 1,000 buckets, each BatchGet counted while it waits
    const account = fakeAccount(config, sagemaker, bedrock, { buckets: 1000, delayMs: 5 });

    // Act
    const reads = await readAll(reader({ concurrency: 2 }), { configTypes: ['AWS::S3::Bucket'], jobs: [] });

    // Assess: 20 requests for 1,000 resources (10 listing pages, 10 batches), never more than 2 at once
    expect(ofType(reads, 'item').length).toBe(1000);
    expect(account.requests()).toEqual({ list: 10, get: 10 });
    expect(account.maxInFlight()).toBe(2);
  });

  it('creates its clients with the adaptive retry mode', async () => {
    // Act
    const clients = baselineClients({ region: REGION });

    // Assess
    for (const c of [clients.config, clients.sagemaker, clients.bedrock])
      expect(((await c.config.retryStrategy()) as { mode?: string }).mode).toBe('adaptive');
  });
});

function job(name: string) {
  return {
    TrainingJobName: name,
    TrainingJobArn: `arn:aws:sagemaker:eu-west-1:111122223333:training-job/${name}`,
    TrainingJobStatus: 'InProgress',
    CreationTime: new Date(1793602696834),
  };
}
