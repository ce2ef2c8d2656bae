import {
  BedrockClient,
  GetModelCustomizationJobCommand,
  ListModelCustomizationJobsCommand,
} from '@aws-sdk/client-bedrock';
import {
  BatchGetAggregateResourceConfigCommand,
  BatchGetResourceConfigCommand,
  type BaseConfigurationItem,
  ConfigServiceClient,
  ListAggregateDiscoveredResourcesCommand,
  ListDiscoveredResourcesCommand,
  type ResourceType,
} from '@aws-sdk/client-config-service';
import {
  DescribeHyperParameterTuningJobCommand,
  DescribeProcessingJobCommand,
  DescribeTrainingJobCommand,
  ListHyperParameterTuningJobsCommand,
  ListProcessingJobsCommand,
  ListTrainingJobsCommand,
  SageMakerClient,
} from '@aws-sdk/client-sagemaker';
import type { BaselinePlan, JobKind, StateRead, StateReader, WantedFilter } from '../../baseline/index.js';
import { type Clock, describeError, isRecord } from '../../kernel/index.js';

/** One page of a listing, and the most keys one BatchGet*ResourceConfig takes. */
export const CONFIG_PAGE = 100;

/** The clients a baseline reads with: adaptive retry (client-side rate limiting when throttled). */
export interface BaselineClients {
  config: ConfigServiceClient;
  sagemaker: SageMakerClient;
  bedrock: BedrockClient;
}

/**
 * The clients, with the SDK's adaptive retry mode: throttling (Config allows a few requests per
 * second per account) slows the client down instead of failing the run.
 * @example const clients = baselineClients({ region: 'eu-west-1' })
 */
export function baselineClients(config: { region?: string; profile?: string } = {}): BaselineClients {
  const c = { ...config, retryMode: 'adaptive', maxAttempts: 8 };
  return { config: new ConfigServiceClient(c), sagemaker: new SageMakerClient(c), bedrock: new BedrockClient(c) };
}

export interface AwsStateReaderOptions {
  clients: BaselineClients;
  /** The account and region the clients read (an aggregator names each resource's own). */
  account: string;
  region: string;
  /** An AWS Config aggregator: read the whole organization through it. */
  aggregator?: string;
  /** Requests in flight at once (BatchGet and Describe calls); default 4. */
  concurrency?: number;
  clock: Clock;
}

/** JSON-safe copy of an SDK output: dates as `date(d)`, `$metadata` dropped, depth bounded. */
function plain(v: unknown, date: (d: Date) => unknown, depth = 0): unknown {
  if (v instanceof Date) return date(v);
  if (depth > 32) return undefined;
  if (Array.isArray(v)) return v.map((x) => plain(x, date, depth + 1));
  if (!isRecord(v)) return v;
  const out: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) if (k !== '$metadata' && x !== undefined) out[k] = plain(x, date, depth + 1);
  return out;
}

const iso = (d: Date) => d.toISOString();
const epochMillis = (d: Date) => d.getTime();

/** Runs `tasks` with at most `n` at once, in order of the results. */
async function bounded<T>(tasks: (() => Promise<T>)[], n: number): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, tasks.length) }, worker));
  return out;
}

interface Listed {
  account: string;
  region: string;
  configType: string;
  resourceId: string;
  resourceName?: string;
}

type JobReader = (o: AwsStateReaderOptions) => {
  list(token?: string): Promise<{ arns: { name: string; arn: string }[]; next?: string }>;
  describe(name: string, arn: string): Promise<Record<string, unknown>>;
};

/** List*Jobs InProgress + Describe* per job kind; the describe output is the state-change `detail`. */
const JOBS: Readonly<Record<JobKind, JobReader>> = {
  'sagemaker-training-job': ({ clients: { sagemaker } }) => ({
    list: async (NextToken) => {
      const out = await sagemaker.send(
        new ListTrainingJobsCommand({ StatusEquals: 'InProgress', MaxResults: 100, NextToken }),
      );
      return {
        arns: (out.TrainingJobSummaries ?? []).map((j) => ({ name: j.TrainingJobName!, arn: j.TrainingJobArn! })),
        next: out.NextToken,
      };
    },
    describe: async (name) =>
      plain(await sagemaker.send(new DescribeTrainingJobCommand({ TrainingJobName: name })), epochMillis) as Record<
        string,
        unknown
      >,
  }),
  'sagemaker-processing-job': ({ clients: { sagemaker } }) => ({
    list: async (NextToken) => {
      const out = await sagemaker.send(
        new ListProcessingJobsCommand({ StatusEquals: 'InProgress', MaxResults: 100, NextToken }),
      );
      return {
        arns: (out.ProcessingJobSummaries ?? []).map((j) => ({ name: j.ProcessingJobName!, arn: j.ProcessingJobArn! })),
        next: out.NextToken,
      };
    },
    describe: async (name) =>
      plain(await sagemaker.send(new DescribeProcessingJobCommand({ ProcessingJobName: name })), epochMillis) as Record<
        string,
        unknown
      >,
  }),
  'sagemaker-tuning-job': ({ clients: { sagemaker } }) => ({
    list: async (NextToken) => {
      const out = await sagemaker.send(
        new ListHyperParameterTuningJobsCommand({ StatusEquals: 'InProgress', MaxResults: 100, NextToken }),
      );
      return {
        arns: (out.HyperParameterTuningJobSummaries ?? []).map((j) => ({
          name: j.HyperParameterTuningJobName!,
          arn: j.HyperParameterTuningJobArn!,
        })),
        next: out.NextToken,
      };
    },
    describe: async (name) =>
      plain(
        await sagemaker.send(new DescribeHyperParameterTuningJobCommand({ HyperParameterTuningJobName: name })),
        epochMillis,
      ) as Record<string, unknown>,
  }),
  'bedrock-customization-job': ({ clients: { bedrock } }) => ({
    list: async (nextToken) => {
      const out = await bedrock.send(
        new ListModelCustomizationJobsCommand({ statusEquals: 'InProgress', maxResults: 100, nextToken }),
      );
      return {
        arns: (out.modelCustomizationJobSummaries ?? []).map((j) => ({ name: j.jobName!, arn: j.jobArn! })),
        next: out.nextToken,
      };
    },
    describe: async (_name, arn) => {
      // GetModelCustomizationJob says `status`; the state-change event says `jobStatus`.
      const { status, ...rest } = plain(
        await bedrock.send(new GetModelCustomizationJobCommand({ jobIdentifier: arn })),
        iso,
      ) as Record<string, unknown>;
      return { ...rest, ...(status === undefined ? {} : { jobStatus: status }) };
    },
  }),
};

/**
 * Reads the current state from AWS: per AWS Config type of the plan, the listing
 * (ListDiscoveredResources, or ListAggregateDiscoveredResources through an aggregator) page by page,
 * the resources the scope wants fetched 100 at a time (BatchGet[Aggregate]ResourceConfig, a few
 * batches at once); then the SageMaker and Bedrock jobs in progress. Errors of one type or one job
 * become `unreadable` reads (with the reason) and the run goes on; a type is `covered` only when
 * its listing completed.
 * @example for await (const read of new AwsStateReader(options).read(plan, wanted)) ...
 */
export class AwsStateReader implements StateReader {
  public readonly source: string;

  public constructor(private readonly o: AwsStateReaderOptions) {
    this.source = o.aggregator ? `config-aggregator:${o.aggregator}` : 'config';
  }

  public async *read(plan: BaselinePlan, wanted: WantedFilter): AsyncGenerator<StateRead> {
    for (const type of plan.configTypes) yield* this.readType(type, wanted);
    for (const kind of plan.jobs) yield* this.readJobs(kind);
  }

  private async *readType(configType: string, wanted: WantedFilter): AsyncGenerator<StateRead> {
    const scopes = new Set<string>();
    let pending: Listed[] = [];
    let token: string | undefined;
    try {
      do {
        const page = await this.list(configType, token);
        token = page.next;
        for (const l of page.listed) {
          scopes.add(`${l.account}|${l.region}`);
          yield { type: 'listed', ...l };
          if (wanted(configType, l.resourceId, l.resourceName)) pending.push(l);
          else yield { type: 'skipped', account: l.account, region: l.region, configType, resourceId: l.resourceId };
        }
        // Fetch once `concurrency` batches are waiting, then the rest at the end.
        if (pending.length >= CONFIG_PAGE * this.concurrency || !token) {
          yield* this.fetch(configType, pending);
          pending = [];
        }
      } while (token);
    } catch (err) {
      yield {
        type: 'unreadable',
        account: this.o.account,
        region: this.o.region,
        what: configType,
        reason: reasonOf(err),
      };
      if (pending.length > 0) yield* this.fetch(configType, pending);
      return;
    }
    if (!this.o.aggregator) scopes.add(`${this.o.account}|${this.o.region}`);
    for (const s of scopes) {
      const [account, region] = s.split('|') as [string, string];
      yield { type: 'covered', account, region, configType };
    }
  }

  private get concurrency(): number {
    return Math.max(1, this.o.concurrency ?? 4);
  }

  private async list(configType: string, token?: string): Promise<{ listed: Listed[]; next?: string }> {
    const { config } = this.o.clients;
    if (this.o.aggregator) {
      const out = await config.send(
        new ListAggregateDiscoveredResourcesCommand({
          ConfigurationAggregatorName: this.o.aggregator,
          ResourceType: configType as ResourceType,
          Limit: CONFIG_PAGE,
          NextToken: token,
        }),
      );
      const listed = (out.ResourceIdentifiers ?? []).flatMap((r) =>
        r.SourceAccountId && r.SourceRegion && r.ResourceId
          ? [
              {
                account: r.SourceAccountId,
                region: r.SourceRegion,
                configType,
                resourceId: r.ResourceId,
                ...(r.ResourceName ? { resourceName: r.ResourceName } : {}),
              },
            ]
          : [],
      );
      return { listed, next: out.NextToken };
    }
    const out = await config.send(
      new ListDiscoveredResourcesCommand({
        resourceType: configType as ResourceType,
        limit: CONFIG_PAGE,
        nextToken: token,
      }),
    );
    const listed = (out.resourceIdentifiers ?? []).flatMap((r) =>
      r.resourceId
        ? [
            {
              account: this.o.account,
              region: this.o.region,
              configType,
              resourceId: r.resourceId,
              ...(r.resourceName ? { resourceName: r.resourceName } : {}),
            },
          ]
        : [],
    );
    return { listed, next: out.nextToken };
  }

  private async *fetch(configType: string, listed: readonly Listed[]): AsyncGenerator<StateRead> {
    const batches: Listed[][] = [];
    for (let i = 0; i < listed.length; i += CONFIG_PAGE) batches.push(listed.slice(i, i + CONFIG_PAGE));
    const results = await bounded(
      batches.map((b) => () => this.batchGet(configType, b)),
      this.concurrency,
    );
    for (const r of results) yield* r;
  }

  private async batchGet(configType: string, batch: readonly Listed[]): Promise<StateRead[]> {
    const { config } = this.o.clients;
    try {
      let items: BaseConfigurationItem[];
      let missed: { id: string; account: string; region: string }[];
      if (this.o.aggregator) {
        const out = await config.send(
          new BatchGetAggregateResourceConfigCommand({
            ConfigurationAggregatorName: this.o.aggregator,
            ResourceIdentifiers: batch.map((l) => ({
              SourceAccountId: l.account,
              SourceRegion: l.region,
              ResourceId: l.resourceId,
              ResourceType: configType as ResourceType,
              ...(l.resourceName ? { ResourceName: l.resourceName } : {}),
            })),
          }),
        );
        items = out.BaseConfigurationItems ?? [];
        missed = (out.UnprocessedResourceIdentifiers ?? []).map((u) => ({
          id: u.ResourceId ?? '?',
          account: u.SourceAccountId ?? '?',
          region: u.SourceRegion ?? '?',
        }));
      } else {
        const out = await config.send(
          new BatchGetResourceConfigCommand({
            resourceKeys: batch.map((l) => ({ resourceType: configType as ResourceType, resourceId: l.resourceId })),
          }),
        );
        items = out.baseConfigurationItems ?? [];
        missed = (out.unprocessedResourceKeys ?? []).map((u) => ({
          id: u.resourceId ?? '?',
          account: this.o.account,
          region: this.o.region,
        }));
      }
      return [
        ...items.map((i): StateRead => ({ type: 'item', item: plain(i, iso) as Record<string, unknown> })),
        ...missed.map(
          (m): StateRead => ({
            type: 'unreadable',
            account: m.account,
            region: m.region,
            what: configType,
            resourceId: m.id,
            reason: 'not processed by BatchGetResourceConfig (try the next run)',
          }),
        ),
      ];
    } catch (err) {
      return batch.map((l) => ({
        type: 'unreadable',
        account: l.account,
        region: l.region,
        what: configType,
        resourceId: l.resourceId,
        reason: reasonOf(err),
      }));
    }
  }

  private async *readJobs(kind: JobKind): AsyncGenerator<StateRead> {
    const reader = JOBS[kind](this.o);
    const jobs: { name: string; arn: string }[] = [];
    try {
      let token: string | undefined;
      do {
        const page = await reader.list(token);
        jobs.push(...page.arns);
        token = page.next;
      } while (token);
    } catch (err) {
      yield { type: 'unreadable', account: this.o.account, region: this.o.region, what: kind, reason: reasonOf(err) };
      return;
    }
    const reads = await bounded(
      jobs.map((j) => async (): Promise<StateRead> => {
        try {
          const detail = await reader.describe(j.name, j.arn);
          return {
            type: 'job',
            kind,
            arn: j.arn,
            detail,
            readAt: this.o.clock.now().toISOString(),
            account: this.o.account,
            region: this.o.region,
          };
        } catch (err) {
          return {
            type: 'unreadable',
            account: this.o.account,
            region: this.o.region,
            what: kind,
            resourceId: j.name,
            reason: reasonOf(err),
          };
        }
      }),
      this.concurrency,
    );
    yield* reads;
  }
}

/** An AWS error as one line: its name and message (never a stack, never request parameters). */
function reasonOf(err: unknown): string {
  const name = err instanceof Error ? err.name : 'Error';
  return `${name}: ${describeError(err)}`.slice(0, 300);
}
