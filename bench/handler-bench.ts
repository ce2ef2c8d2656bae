import { EventBridgeClient, PutEventsCommand, type PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { documentClient, DynamoDriftStore } from '../shared/adapters/aws/index.js';
import { DynamoExceptionStore } from '../shared/adapters/aws/index.js';
import { ensureTable } from '../shared/adapters/local/index.js';
import { EventBridgePublisher } from '../shared/adapters/aws/index.js';
import { loadConfig } from '../shared/config/index.js';
import { TRANSITION_GROUP_DETAIL_TYPE } from '../shared/drift/index.js';
import { createExceptionMatcher } from '../shared/exceptions/index.js';
import { intake } from '../shared/sources/index.js';
import type { IngestDeps } from '../shared/ingest/index.js';
import { silentTelemetry } from '../shared/kernel/index.js';
import { createEvaluator, evaluate } from '../shared/policy/index.js';
import { loadPolicyPack } from '../shared/policy/index.js';
import { systemClock } from '../shared/kernel/index.js';
import { PIPELINE, PIPELINE_WEIGHTS } from './cloudtrail-records.js';
import { median, ROOT, round } from './measure.js';
import { SeededRandom } from './random.js';

/** Budget of issue 3: write requests per (event, matching rule) finding, first delivery and duplicate. */
export const WRITE_BUDGET = { perFinding: 2, perDuplicateFinding: 1 } as const;

export interface HandlerResult {
  events: number;
  findingsPerEvent: number;
  transitionsPerEvent: number;
  evaluateOnly: { eventsPerSecond: number };
  dynalitePutItem: { putsPerSecond: number };
  handler: { eventsPerSecond: number; cpuMsPerEvent: number; p50Ms: number; p99Ms: number };
  /** DynamoDB requests per event by operation, first delivery and duplicate delivery. */
  requestsPerEvent: Record<string, number>;
  duplicateRequestsPerEvent: Record<string, number>;
  writesPerFinding: number;
  duplicateWritesPerFinding: number;
  /** Write capacity units per event: the table's, as dynalite counts them (the GSI's are estimated in the cost model). */
  wruPerEvent: number;
  stateWruPerEvent: number;
  rruPerEvent: number;
  putEventsEntriesPerEvent: number;
  budget: typeof WRITE_BUDGET & { met: boolean };
  command: string;
}

/** EventBridge deliveries of the pipeline calls the pack listens to (what the generated rules route to Lambda). */
function pipelineEvents(n: number): Record<string, unknown>[] {
  const rnd = new SeededRandom(0x4a_2d1e);
  return Array.from({ length: n }, (_, i) => {
    const time = new Date(Date.parse('2026-11-02T08:00:00Z') + i * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    const detail = PIPELINE[rnd.weighted(PIPELINE_WEIGHTS)](
      { rnd, time, account: '111122223333', region: 'eu-west-1' },
      rnd.chance(0.5),
    );
    return {
      version: '0',
      id: rnd.uuid(),
      'detail-type': 'AWS API Call via CloudTrail',
      source: `aws.${String(detail.eventSource).split('.')[0]}`,
      account: '111122223333',
      time,
      region: 'eu-west-1',
      resources: [],
      detail,
    };
  });
}

async function startDynalite(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 'dynalite-server.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`dynalite exited ${code}`)));
  });
  return { child, endpoint: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` };
}

/** Counts requests and consumed capacity per operation on a document client. */
function meter(doc: ReturnType<typeof documentClient>): {
  counts: Record<string, number>;
  capacity: Record<string, number>;
  reset: () => void;
} {
  const counts: Record<string, number> = {};
  const capacity: Record<string, number> = {};
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const op = String(context.commandName ?? '').replace(/Command$/, '');
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      counts[op] = (counts[op] ?? 0) + 1;
      try {
        const out = await next(args);
        const used =
          (out.output as { ConsumedCapacity?: { CapacityUnits?: number } }).ConsumedCapacity?.CapacityUnits ?? 0;
        capacity[op] = (capacity[op] ?? 0) + used;
        return out;
      } catch (err) {
        // A conditional write that fails still consumes one write unit.
        if ((err as Error).name === 'ConditionalCheckFailedException') capacity[op] = (capacity[op] ?? 0) + 1;
        throw err;
      }
    },
    { step: 'initialize', name: 'benchMeter' },
  );
  return {
    counts,
    capacity,
    reset: () => {
      for (const o of [counts, capacity]) for (const k of Object.keys(o)) delete o[k];
    },
  };
}

const perEvent = (o: Record<string, number>, n: number) =>
  Object.fromEntries(
    Object.entries(o)
      .sort()
      .map(([k, v]) => [k, round(v / n, 3)]),
  );
const sum = (o: Record<string, number>, keys: string[]) => keys.reduce((s, k) => s + (o[k] ?? 0), 0);
const WRITES = ['Put', 'Update', 'PutItem', 'UpdateItem'];

/**
 * Events through the ingest handler (its exported `lambdaHandler`, with the deployed adapters)
 * into dynalite running in another process, against two baselines in the same run: the same
 * events through intake + evaluate only, and raw PutItem throughput of the same store.
 * @example await benchHandler({ events: 2000 })
 */
export async function benchHandler(opts: { events: number; log: (s: string) => void }): Promise<HandlerResult> {
  const events = pipelineEvents(opts.events);
  const pack = await loadPolicyPack(join(ROOT, 'policies'));
  const config = await loadConfig(join(ROOT, 'tpguard.config.yaml'));
  const evaluator = createEvaluator(pack, config);

  // Baseline 1: the same events, intake + evaluate only.
  let findings = 0;
  const t0 = performance.now();
  for (const e of events)
    for (const r of intake(structuredClone(e), 'bench'))
      if (r.ok)
        findings += evaluate(evaluator, r.observation).filter(
          (f) => f.verdict === 'violation' || f.verdict === 'pass',
        ).length;
  const evaluateMs = performance.now() - t0;

  const { child, endpoint } = await startDynalite();
  try {
    const doc = documentClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
    await ensureTable(doc, 'tpguard');
    // dynalite answers CreateTable before the table is ACTIVE.
    while ((await doc.send(new DescribeTableCommand({ TableName: 'tpguard' }))).Table?.TableStatus !== 'ACTIVE')
      await new Promise((r) => setTimeout(r, 20));
    // Baseline 2: raw PutItem of history-sized items into the same store.
    const filler = 'x'.repeat(1200);
    const t1 = performance.now();
    for (let i = 0; i < opts.events; i++)
      await doc.send(new PutCommand({ TableName: 'tpguard', Item: { pk: `BENCH#${i}`, sk: 'RAW', filler } }));
    const putMs = performance.now() - t1;

    Object.assign(process.env, {
      TPGUARD_TABLE: 'tpguard',
      TPGUARD_BUS_NAME: 'tpguard-bench',
      AWS_REGION: 'eu-west-1',
      POWERTOOLS_LOG_LEVEL: 'ERROR',
      POWERTOOLS_METRICS_DISABLED: 'true',
    });
    const mod = await import('../functions/ingest-cloudtrail.js');
    const eventBridge = mockClient(EventBridgeClient);
    const entries: PutEventsRequestEntry[] = [];
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: PutEventsRequestEntry[] }) => {
      entries.push(...(input.Entries ?? []));
      return { FailedEntryCount: 0, Entries: (input.Entries ?? []).map((_, i) => ({ EventId: `e${i}` })) };
    });
    const m = meter(doc);
    const store = new DynamoDriftStore(doc, { tableName: 'tpguard' });
    const deps: IngestDeps = {
      evaluator,
      store,
      clock: systemClock,
      telemetry: silentTelemetry,
      intake: 'ingest-cloudtrail',
      exceptions: createExceptionMatcher(new DynamoExceptionStore(doc, 'tpguard'), systemClock),
      publisher: new EventBridgePublisher(new EventBridgeClient({ region: 'eu-west-1' }), { busName: 'tpguard-bench' }),
    };
    const latencies: number[] = [];
    const cpu0 = process.cpuUsage();
    const t2 = performance.now();
    for (const e of events) {
      const s = performance.now();
      await mod.lambdaHandler(structuredClone(e), deps);
      latencies.push(performance.now() - s);
    }
    const handlerMs = performance.now() - t2;
    const cpu = process.cpuUsage(cpu0);
    const first = { counts: { ...m.counts }, capacity: { ...m.capacity } };
    // Every entry is a custom event (charged); the `Drift Transitions` groups name transitions, they are not more of them.
    const transitions = entries.filter((e) => e.DetailType !== TRANSITION_GROUP_DETAIL_TYPE).length;
    const putEntries = entries.length;
    m.reset();
    for (const e of events) await mod.lambdaHandler(structuredClone(e), deps);
    const dup = { counts: { ...m.counts } };
    eventBridge.restore();
    doc.destroy();
    opts.log(`handler: ${opts.events} events, ${findings} findings, ${transitions} transitions`);

    const n = opts.events;
    const writesPerFinding = round(sum(first.counts, WRITES) / findings, 3);
    const duplicateWritesPerFinding = round(sum(dup.counts, WRITES) / findings, 3);
    const sorted = [...latencies].sort((a, b) => a - b);
    return {
      events: n,
      findingsPerEvent: round(findings / n, 3),
      transitionsPerEvent: round(transitions / n, 3),
      evaluateOnly: { eventsPerSecond: round(n / (evaluateMs / 1000), 0) },
      dynalitePutItem: { putsPerSecond: round(n / (putMs / 1000), 0) },
      handler: {
        eventsPerSecond: round(n / (handlerMs / 1000), 0),
        cpuMsPerEvent: round((cpu.user + cpu.system) / 1000 / n, 3),
        p50Ms: round(median(latencies), 2),
        p99Ms: round(sorted[Math.floor(sorted.length * 0.99)], 2),
      },
      requestsPerEvent: perEvent(first.counts, n),
      duplicateRequestsPerEvent: perEvent(dup.counts, n),
      writesPerFinding,
      duplicateWritesPerFinding,
      wruPerEvent: round(sum(first.capacity, WRITES) / n, 3),
      stateWruPerEvent: round(sum(first.capacity, ['Update', 'UpdateItem']) / n, 3),
      rruPerEvent: round(sum(first.capacity, ['Get', 'GetItem', 'Query']) / n, 3),
      putEventsEntriesPerEvent: round(putEntries / n, 3),
      budget: {
        ...WRITE_BUDGET,
        met:
          writesPerFinding <= WRITE_BUDGET.perFinding && duplicateWritesPerFinding <= WRITE_BUDGET.perDuplicateFinding,
      },
      command: `npm run bench -- --only handler --events ${n}`,
    };
  } finally {
    child.kill();
  }
}
