import { GetModelCustomizationJobCommand, ListModelCustomizationJobsCommand } from '@aws-sdk/client-bedrock';
import { BatchGetResourceConfigCommand, ListDiscoveredResourcesCommand } from '@aws-sdk/client-config-service';
import {
  DescribeTrainingJobCommand,
  ListHyperParameterTuningJobsCommand,
  ListProcessingJobsCommand,
  ListTrainingJobsCommand,
} from '@aws-sdk/client-sagemaker';
import type { AwsStub } from 'aws-sdk-client-mock';
import { type Json, loadJson } from './fixtures.js';

// biome-ignore lint/suspicious/noExplicitAny: the mocks of three different clients
type Stub = AwsStub<any, any, any>;

export interface FakeAccountOptions {
  /** Buckets `ml-training-0` .. `ml-training-<n-1>`, each the noncompliant bucket of events/config. */
  buckets: number;
  /** Bucket ids BatchGetResourceConfig leaves unprocessed. */
  unprocessed?: string[];
  /** Each BatchGetResourceConfig waits this long (to observe requests in flight). */
  delayMs?: number;
  /** Jobs in progress: the violating training job and customization job of events/statechange. */
  jobs?: boolean;
  account?: string;
  region?: string;
}

export interface FakeAccount {
  /** Config requests made: listing pages and batch reads. */
  requests(): { list: number; get: number };
  /** The most BatchGetResourceConfig requests that were waiting at once. */
  maxInFlight(): number;
}

/** The S3 bucket item of events/config/s3-bucket-noncompliant.json as BatchGetResourceConfig returns it. */
export function apiBucketItem(id: string, at: Date, account = '111122223333', region = 'eu-west-1'): Json {
  const ci = loadJson<Json>('events/config/s3-bucket-noncompliant.json').detail.configurationItem;
  const supplementary: Record<string, string> = {};
  for (const [k, v] of Object.entries(ci.supplementaryConfiguration as Json))
    supplementary[k] = typeof v === 'string' ? v : JSON.stringify(v);
  // The API returns no `tags`: the bucket's tags are in its tagging supplement.
  supplementary.BucketTaggingConfiguration = JSON.stringify({ tagSets: [{ tags: ci.tags }] });
  return {
    version: '1.3',
    accountId: account,
    configurationItemCaptureTime: at,
    configurationItemStatus: 'OK',
    configurationStateId: '1762101193412',
    arn: `arn:aws:s3:::${id}`,
    resourceType: 'AWS::S3::Bucket',
    resourceId: id,
    resourceName: id,
    awsRegion: region,
    availabilityZone: 'Regional',
    configuration: JSON.stringify({ ...ci.configuration, name: id }),
    supplementaryConfiguration: supplementary,
  };
}

/**
 * An account behind aws-sdk-client-mock: AWS Config lists `buckets` S3 buckets 100 a page (and no
 * other resource) and returns them in the API's shape (configuration and supplements as JSON
 * strings, dates as Date); SageMaker and Bedrock list no job, or one violating job each.
 */
export function fakeAccount(config: Stub, sagemaker: Stub, bedrock: Stub, o: FakeAccountOptions): FakeAccount {
  const account = o.account ?? '111122223333';
  const region = o.region ?? 'eu-west-1';
  const counts = { list: 0, get: 0 };
  let inFlight = 0;
  let maxInFlight = 0;
  const ids = Array.from({ length: o.buckets }, (_, i) => `ml-training-${i}`);
  const at = new Date('2026-11-02T10:00:00Z');
  (config as Stub).on(ListDiscoveredResourcesCommand).callsFake((input: Json) => {
    counts.list++;
    if (input.resourceType !== 'AWS::S3::Bucket') return { resourceIdentifiers: [] };
    const start = Number(input.nextToken ?? 0);
    const page = ids.slice(start, start + (input.limit ?? 100));
    const next = start + page.length;
    return {
      resourceIdentifiers: page.map((id) => ({ resourceType: 'AWS::S3::Bucket', resourceId: id, resourceName: id })),
      ...(next < ids.length ? { nextToken: String(next) } : {}),
    };
  });
  (config as Stub).on(BatchGetResourceConfigCommand).callsFake(async (input: Json) => {
    counts.get++;
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    if (o.delayMs) await new Promise((r) => setTimeout(r, o.delayMs));
    inFlight--;
    const keys = input.resourceKeys as { resourceId: string }[];
    const skip = new Set(o.unprocessed ?? []);
    return {
      baseConfigurationItems: keys
        .filter((k) => !skip.has(k.resourceId))
        .map((k) => apiBucketItem(k.resourceId, at, account, region)),
      unprocessedResourceKeys: keys
        .filter((k) => skip.has(k.resourceId))
        .map((k) => ({ resourceType: 'AWS::S3::Bucket', resourceId: k.resourceId })),
    };
  });
  const training = loadJson<Json>('events/statechange/sagemaker-training-job-state-change-violation.json').detail;
  const custom = loadJson<Json>(
    'events/statechange/bedrock-model-customization-job-state-change-violation.json',
  ).detail;
  sagemaker.on(ListTrainingJobsCommand).resolves(
    o.jobs
      ? {
          TrainingJobSummaries: [
            {
              TrainingJobName: training.TrainingJobName,
              TrainingJobArn: training.TrainingJobArn,
              TrainingJobStatus: 'InProgress',
              CreationTime: new Date(training.CreationTime),
            },
          ],
        }
      : { TrainingJobSummaries: [] },
  );
  sagemaker.on(DescribeTrainingJobCommand).callsFake(() => ({
    ...training,
    CreationTime: new Date(training.CreationTime),
    ...(training.TrainingStartTime ? { TrainingStartTime: new Date(training.TrainingStartTime) } : {}),
    LastModifiedTime: new Date(training.LastModifiedTime ?? training.CreationTime),
    $metadata: { httpStatusCode: 200 },
  }));
  sagemaker.on(ListProcessingJobsCommand).resolves({ ProcessingJobSummaries: [] });
  sagemaker.on(ListHyperParameterTuningJobsCommand).resolves({ HyperParameterTuningJobSummaries: [] });
  bedrock.on(ListModelCustomizationJobsCommand).resolves(
    o.jobs
      ? {
          modelCustomizationJobSummaries: [
            {
              jobName: custom.jobName,
              jobArn: custom.jobArn,
              baseModelArn: custom.baseModelArn,
              creationTime: new Date(custom.creationTime),
              status: 'InProgress',
            },
          ],
        }
      : { modelCustomizationJobSummaries: [] },
  );
  bedrock.on(GetModelCustomizationJobCommand).callsFake(() => {
    const { jobStatus, creationTime, lastModifiedTime, version: _v, ...rest } = custom;
    return {
      ...rest,
      status: jobStatus,
      creationTime: new Date(creationTime),
      lastModifiedTime: new Date(lastModifiedTime),
    };
  });
  return { requests: () => ({ ...counts }), maxInFlight: () => maxInFlight };
}
