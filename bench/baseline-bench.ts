import { BedrockClient } from '@aws-sdk/client-bedrock';
import { ConfigServiceClient } from '@aws-sdk/client-config-service';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { mockClient } from 'aws-sdk-client-mock';
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { gzipSync } from 'node:zlib';
import { DynamoBaselineRuns, DynamoDriftStore, loadBaselineReader } from '../shared/adapters/aws/index.js';
import { openLocalTable, SnapshotFileReader } from '../shared/adapters/local/index.js';
import { planOf, runBaseline, type SummaryPublisher, wantedBy } from '../shared/baseline/index.js';
import { loadConfig } from '../shared/config/index.js';
import { readInputs } from '../shared/events/index.js';
import { fixedClock } from '../shared/kernel/index.js';
import { createEvaluator, evaluate, loadPolicyPack } from '../shared/policy/index.js';
import { fakeAccount } from '../test/helpers/baseline-account.js';
import { ROOT, round } from './measure.js';

/** The figures of the closing note of issue 16: items per second through a snapshot, requests per 1,000 resources. */
export interface BaselineBenchResult {
  snapshot: { items: number; gzipBytes: number; file: string };
  /** Read, gunzip, stream-split and normalize the snapshot's items (`tpguard scan`/`replay` intake, no rules). */
  read: { wallMs: number; itemsPerSecond: number };
  /** The same, each item evaluated by the pack's rules (what `tpguard scan` does with a snapshot: no store). */
  evaluate: { wallMs: number; itemsPerSecond: number; findings: number };
  /** `tpguard baseline --from`: the same items through the rules into the drift store (embedded dynalite), reconciliation included. */
  baseline: {
    wallMs: number;
    itemsPerSecond: number;
    evaluated: number;
    opened: number;
    dynamoRequestsPer1000: number;
  };
  /** The AWS reader against a mocked account of 1,000 buckets, per 1,000 resources (+ per job in progress). */
  requests: {
    resources: number;
    configListPages: number;
    configBatchGets: number;
    configRequestsPer1000: number;
    /** Every type of the shipped pack's plan listed once even when empty. */
    emptyTypeListings: number;
    /** One List*Jobs per job kind of the plan (a page per 100 jobs in progress), then requests per job in progress. */
    jobListings: number;
    requestsPerJobInProgress: number;
  };
  commands: { all: string };
}

/**
 * A Config snapshot of `items` configuration items: the 12 items of the sample snapshot
 * (events/baseline) repeated, each copy a distinct resource (`<id>-<n>`).
 */
function writeSnapshot(dir: string, items: number): { file: string; gzipBytes: number } {
  const sampleDir = join(ROOT, 'events', 'baseline');
  const find = (d: string): string => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) {
        const f = find(p);
        if (f) return f;
      } else if (name.endsWith('.json')) return p;
    }
    return '';
  };
  const sample = JSON.parse(readFileSync(find(sampleDir), 'utf8')) as { configurationItems: Record<string, unknown>[] };
  const out: Record<string, unknown>[] = [];
  for (let i = 0; out.length < items; i++)
    for (const item of sample.configurationItems) {
      if (out.length >= items) break;
      const id = `${String(item.resourceId)}-${i}`;
      const name = item.resourceName ? `${String(item.resourceName)}-${i}` : undefined;
      out.push({ ...item, resourceId: id, ...(name ? { resourceName: name } : {}) });
    }
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `111122223333_Config_eu-west-1_ConfigSnapshot_20261102T050012Z_bench-${items}.json.gz`);
  const body = gzipSync(
    JSON.stringify({ fileVersion: '1.0', configSnapshotId: `bench-${items}`, configurationItems: out }),
  );
  writeFileSync(file, body);
  return { file, gzipBytes: body.length };
}

const silentSummaries: SummaryPublisher = { publishSummaries: async () => undefined };

/**
 * Measures a baseline in this process: (1) the snapshot's items read and normalized, (2) a whole
 * `runBaseline` over the snapshot into an embedded dynalite with the shipped pack and configuration,
 * counting DynamoDB requests, (3) the AWS reader against a mocked account of 1,000 buckets,
 * counting the requests it makes.
 * @example await benchBaseline({ items: 20_000, log })
 */
export async function benchBaseline(opts: { items: number; log: (s: string) => void }): Promise<BaselineBenchResult> {
  const dir = join(ROOT, 'bench', 'out', 'config-snapshot');
  const { file, gzipBytes } = writeSnapshot(dir, opts.items);
  const [pack, config] = await Promise.all([
    loadPolicyPack(join(ROOT, 'policies')),
    loadConfig(join(ROOT, 'tpguard.config.yaml')),
  ]);

  opts.log(`baseline: reading ${opts.items} items from ${file}`);
  let t0 = performance.now();
  let n = 0;
  for await (const r of readInputs([file])) if (r.ok) n++;
  const readMs = performance.now() - t0;
  if (n !== opts.items) throw new Error(`read ${n} items, expected ${opts.items}`);

  opts.log('baseline: reading and evaluating the items (no store)');
  const evaluator = createEvaluator(pack, config);
  t0 = performance.now();
  let findings = 0;
  for await (const r of readInputs([file])) if (r.ok) findings += evaluate(evaluator, r.observation).length;
  const evalMs = performance.now() - t0;

  opts.log('baseline: runBaseline --from the snapshot into dynalite');
  const table = await openLocalTable();
  let dynamo = 0;
  table.doc.middlewareStack.add(
    (next) => async (args) => {
      dynamo++;
      return next(args);
    },
    { step: 'initialize', name: 'benchRequestCounter' },
  );
  t0 = performance.now();
  const result = await runBaseline({
    evaluator,
    store: new DynamoDriftStore(table.doc, { tableName: table.tableName }),
    publisher: { publish: async () => undefined },
    clock: fixedClock('2026-11-03T06:00:00Z'),
    intake: 'baseline',
    reader: new SnapshotFileReader([file]),
    runs: new DynamoBaselineRuns(table.doc, table.tableName),
    summaries: silentSummaries,
    trigger: 'bench',
  });
  const baselineMs = performance.now() - t0;
  await table.close();
  const read = result.runs.reduce((a, r) => a + r.read, 0);
  if (read !== opts.items) throw new Error(`the baseline read ${read} items, expected ${opts.items}`);

  opts.log('baseline: AWS reader against a mocked account of 1,000 buckets');
  const cfg = mockClient(ConfigServiceClient);
  const sm = mockClient(SageMakerClient);
  const br = mockClient(BedrockClient);
  const account = fakeAccount(cfg, sm, br, { buckets: 1000 });
  const { AwsStateReader, baselineClients } = await loadBaselineReader();
  const reader = new AwsStateReader({
    clients: baselineClients({ region: 'eu-west-1' }),
    account: '111122223333',
    region: 'eu-west-1',
    clock: fixedClock('2026-11-03T06:00:00Z'),
  });
  const plan = planOf(pack);
  let items = 0;
  for await (const r of reader.read({ configTypes: ['AWS::S3::Bucket'], jobs: [] }, wantedBy(config)))
    if (r.type === 'item') items++;
  const oneType = account.requests();
  cfg.reset();
  const empty = fakeAccount(cfg, sm, br, { buckets: 0 });
  for await (const _ of reader.read({ configTypes: plan.configTypes, jobs: [] }, wantedBy(config))) void _;
  const emptyTypeListings = empty.requests().list;
  sm.reset();
  br.reset();
  fakeAccount(cfg, sm, br, { buckets: 0, jobs: true });
  let jobs = 0;
  for await (const r of reader.read({ configTypes: [], jobs: plan.jobs }, wantedBy(config)))
    if (r.type === 'job') jobs++;
  const jobCalls = sm.calls().length + br.calls().length;
  cfg.restore();
  sm.restore();
  br.restore();

  return {
    snapshot: { items: opts.items, gzipBytes, file: file.slice(ROOT.length + 1) },
    read: { wallMs: round(readMs, 0), itemsPerSecond: round(opts.items / (readMs / 1000), 0) },
    evaluate: { wallMs: round(evalMs, 0), itemsPerSecond: round(opts.items / (evalMs / 1000), 0), findings },
    baseline: {
      wallMs: round(baselineMs, 0),
      itemsPerSecond: round(opts.items / (baselineMs / 1000), 0),
      evaluated: result.runs.reduce((a, r) => a + r.evaluated, 0),
      opened: result.runs.reduce((a, r) => a + r.transitions.opened, 0),
      dynamoRequestsPer1000: round((dynamo / opts.items) * 1000, 0),
    },
    requests: {
      resources: items,
      configListPages: oneType.list,
      configBatchGets: oneType.get,
      configRequestsPer1000: round(((oneType.list + oneType.get) / items) * 1000, 0),
      emptyTypeListings,
      jobListings: plan.jobs.length,
      requestsPerJobInProgress: round((jobCalls - plan.jobs.length) / Math.max(1, jobs), 2),
    },
    commands: { all: `npm run bench -- --only baseline --items ${opts.items}` },
  };
}
