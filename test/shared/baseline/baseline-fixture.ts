import { join } from 'node:path';
import { DynamoBaselineRuns } from '../../../shared/adapters/aws/index.js';
import type {
  BaselineDeps,
  BaselinePlan,
  StateRead,
  StateReader,
  SummaryPublisher,
} from '../../../shared/baseline/index.js';
import { loadConfig, type TpguardConfig } from '../../../shared/config/index.js';
import { type Clock, fixedClock } from '../../../shared/kernel/index.js';
import type { BatchSummary } from '../../../shared/notify/index.js';
import { createEvaluator, loadPolicyPack, type PolicyPack } from '../../../shared/policy/index.js';
import { type Json, REPO_ROOT } from '../../helpers/fixtures.js';
import type { StoreFixture } from '../drift/store-fixture.js';
import { RecordingPublisher } from '../ingest/ingest-fixture.js';

/** A reader over given configuration items: lists and reads each, covers the types given. */
export class ItemsReader implements StateReader {
  public readonly source = 'test';
  public constructor(
    private readonly items: Json[],
    private readonly covered: { account: string; region: string; configType: string }[],
    private readonly extra: StateRead[] = [],
  ) {}

  public async *read(plan: BaselinePlan): AsyncGenerator<StateRead> {
    for (const item of this.items) {
      if (!plan.configTypes.includes(item.resourceType)) continue;
      yield {
        type: 'listed',
        account: item.accountId ?? item.awsAccountId,
        region: item.awsRegion,
        configType: item.resourceType,
        resourceId: item.resourceId,
        resourceName: item.resourceName,
      };
      yield { type: 'item', item: structuredClone(item) };
    }
    yield* this.extra;
    for (const c of this.covered) yield { type: 'covered', ...c };
  }
}

/** Keeps the summaries a run publishes. */
export class RecordingSummaries implements SummaryPublisher {
  public readonly published: BatchSummary[] = [];
  public async publishSummaries(summaries: readonly BatchSummary[]): Promise<void> {
    this.published.push(...structuredClone(summaries));
  }
}

export interface BaselineFixture {
  pack: PolicyPack;
  config: TpguardConfig;
  publisher: RecordingPublisher;
  summaries: RecordingSummaries;
  runs: DynamoBaselineRuns;
  deps(reader: StateReader, clock?: Clock): BaselineDeps;
}

/** The shipped pack and the sample configuration (owners by tag), on a dynalite store. */
export async function baselineFixture(store: StoreFixture): Promise<BaselineFixture> {
  const pack = await loadPolicyPack(join(REPO_ROOT, 'policies'));
  const config = await loadConfig(join(REPO_ROOT, 'tpguard.config.yaml'));
  const publisher = new RecordingPublisher();
  const summaries = new RecordingSummaries();
  const runs = new DynamoBaselineRuns(store.table.doc, store.table.tableName);
  const evaluator = createEvaluator(pack, config);
  return {
    pack,
    config,
    publisher,
    summaries,
    runs,
    deps: (reader, clock = fixedClock('2026-11-03T06:00:00Z')) => ({
      evaluator,
      store: store.store,
      publisher,
      clock,
      intake: 'baseline',
      reader,
      runs,
      summaries,
      trigger: 'test',
    }),
  };
}
