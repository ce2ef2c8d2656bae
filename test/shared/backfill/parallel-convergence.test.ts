import { gunzipSync } from 'node:zlib';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DynamoDriftStore } from '../../../shared/adapters/aws/index.js';
import { backfillLambdaHandler } from '../../../shared/adapters/lambda/index.js';
import { startLocalRuntime } from '../../../shared/adapters/local/index.js';
import { openTestTable } from '../../helpers/dynamodb.js';
import type { BatchLine, BatchSummary } from '../../../shared/backfill/index.js';
import type { DriftRecord } from '../../../shared/drift/index.js';
import { readObjectBytes } from '../../../shared/events/index.js';
import { fixedClock } from '../../../shared/kernel/index.js';
import { BUCKET, batchesOf, cloudTrailArchive, MemoryArchive } from './archive-fixture.js';
import { ingestFixture, RecordingPublisher } from '../ingest/ingest-fixture.js';

/**
 * Drift applies observations in event-time order whatever order they arrive in, so a backfill
 * whose batches run in parallel, in any order, ends in the drift one serial replay of the same
 * archive makes (issue 18). The worker handler runs against the embedded DynamoDB.
 */
const SEED = 0x18_0b_ac;
const ALL = ['open', 'suppressed', 'resolved', 'compliant'] as const;

/** What converges (docs/data-model.md): which records exist, their ordering key, open or not. */
const stateOf = (records: readonly DriftRecord[]) =>
  records
    .map((r) => ({
      driftId: r.driftId,
      ruleId: r.ruleId,
      resourceId: r.resourceId,
      lastSeen: r.lastSeen,
      lastEventId: r.lastEventId,
      open: r.status === 'open' || r.status === 'suppressed' ? r.status : 'closed',
    }))
    .sort((a, b) => a.driftId.localeCompare(b.driftId));

const archive = cloudTrailArchive();
const keys = [...archive.keys()].sort();
let serial: ReturnType<typeof stateOf>;
let inOrderAlerts: string[];

/**
 * The alerts published (each once, as consumers dedupe them): drift and causing event, and whether
 * it opens or closes an episode. A violation that arrives after later events is published as a late
 * `opened` where the in-order run says `reopened` (shared/drift): the owner hears of the same episode.
 */
const alertsOf = (publisher: RecordingPublisher) =>
  [
    ...new Set(
      publisher.published.map((t) => `${t.kind === 'resolved' ? 'closes' : 'opens'} ${t.record.driftId} ${t.eventId}`),
    ),
  ].sort();

beforeAll(async () => {
  const fx = await ingestFixture({ store: undefined as never } as never);
  const rt = await startLocalRuntime({
    config: fx.config,
    pack: fx.pack,
    clock: fixedClock('2026-11-02T18:00:00Z'),
    intake: 'replay',
  });
  try {
    await rt.ingest(
      (async function* () {
        for (const key of keys) yield* readObjectBytes(archive.get(key)!, `s3://${BUCKET}/${key}`);
      })(),
    );
    serial = stateOf(await rt.store.queryRecords({ statuses: [...ALL] }));
  } finally {
    await rt.close();
  }
});

async function backfill(order: readonly number[], batchSize: number, parallel: boolean) {
  const table = await openTestTable();
  try {
    const store = new DynamoDriftStore(table.doc, { tableName: table.tableName });
    const fx = await ingestFixture({ store } as never);
    const publisher = new RecordingPublisher();
    const deps = {
      archive: new MemoryArchive(archive),
      evaluator: fx.deps.evaluator,
      ingest: { ...fx.deps, store, publisher, intake: 'backfill-worker' },
      now: () => 0,
    };
    const batches = batchesOf(keys, batchSize, true);
    const ordered = order.filter((i) => i < batches.length).map((i) => batches[i]!);
    const run = (b: (typeof batches)[number]) => backfillLambdaHandler(structuredClone(b), deps);
    const outputs = parallel
      ? await Promise.all(ordered.map(run))
      : await ordered.reduce(async (acc, b) => [...(await acc), await run(b)], Promise.resolve([] as unknown[]));
    const records = await store.queryRecords({ statuses: [...ALL] });
    return { state: stateOf(records), outputs: outputs as BatchLine[][], publisher };
  } finally {
    await table.close();
  }
}

/** The archive's keys in event-time order (the fixture names them so that key order is not). */
const byEventTime = () =>
  [...keys.keys()].sort((a, b) => eventTimeOf(keys[a]!).localeCompare(eventTimeOf(keys[b]!)) || a - b);
const eventTimeOf = (key: string) =>
  String(
    (JSON.parse(gunzipSync(archive.get(key)!).toString('utf8')) as { Records: { eventTime: string }[] }).Records[0]!
      .eventTime,
  );

beforeAll(async () => {
  inOrderAlerts = alertsOf((await backfill(byEventTime(), 1, false)).publisher);
});

describe('Function: backfill-worker (parallel batches converge)', () => {
  it('records the drift a serial replay records, with its batches in one serial pass', async () => {
    // Act
    const { state, outputs } = await backfill([...Array(keys.length).keys()], 1, false);

    // Assess
    expect(serial.length).toBeGreaterThan(1);
    expect(serial.some((r) => r.open === 'open')).toBe(true);
    expect(state).toEqual(serial);
    const summaries = outputs.map((lines) => (lines.at(-1) as { batch: BatchSummary }).batch);
    expect(summaries.reduce((n, s) => n + s.records, 0)).toBe(keys.length);
    expect(inOrderAlerts.some((a) => a.startsWith('opens '))).toBe(true);
    expect(inOrderAlerts.some((a) => a.startsWith('closes '))).toBe(true);
  });

  it('records the same drift whatever the order, size and parallelism of the batches', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 3 }),
        fc.shuffledSubarray([...Array(keys.length).keys()], { minLength: keys.length, maxLength: keys.length }),
        async (size, order) => {
          // Act
          const { state, publisher } = await backfill(order, size, true);

          // Assess
          expect(state).toEqual(serial);
          // The same alerts as the in-order run: a late violation still reaches its owner as its episode.
          expect(alertsOf(publisher)).toEqual(inOrderAlerts);
        },
      ),
      { seed: SEED, numRuns: 8 },
    );
  }, 120_000);
});
