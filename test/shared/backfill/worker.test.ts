import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { ArchiveReadError, type BatchSummary, type PlanResult } from '../../../shared/backfill/index.js';
import {
  BackfillEventError,
  INLINE_OUTPUT_BYTES,
  parseBatchEvent,
  planBackfill,
  scanBatch,
  type VerdictRow,
} from '../../../shared/backfill/index.js';
import type { Evaluator } from '../../../shared/policy/index.js';
import { ingestFixture, fixtureEvent } from '../ingest/ingest-fixture.js';
import { BUCKET, batchesOf, cloudTrailArchive, DAY_PREFIX, MemoryArchive } from './archive-fixture.js';

/** The worker's batch scan and planning step on an in-memory archive (pure: no AWS). */

let evaluator: Evaluator;
const archive = cloudTrailArchive();
const keys = [...archive.keys()].sort();

beforeAll(async () => {
  evaluator = (await ingestFixture({ store: undefined as never } as never)).deps.evaluator;
});

/** A counter clock: each call is 5 ms later. */
const ticks = () => {
  let t = 0;
  return () => (t += 5);
};

const summaryOf = (lines: readonly unknown[]) => (lines.at(-1) as { batch: BatchSummary }).batch;
const rowsOf = (lines: readonly unknown[]) => lines.slice(0, -1) as VerdictRow[];

describe('Function: scanBatch', () => {
  it('evaluates every record of the batch and lists its violations with the object as where', async () => {
    // Prepare
    const mem = new MemoryArchive(archive);
    const [batch] = batchesOf(keys, keys.length, false);

    // Act
    const lines = await scanBatch(batch!, { objects: mem, results: mem, evaluator, now: ticks() });

    // Assess
    const summary = summaryOf(lines);
    expect(summary).toMatchObject({ objects: keys.length, skipped: 0, records: keys.length, rejected: 0 });
    expect(summary.violations).toBeGreaterThan(0);
    expect(rowsOf(lines)).toHaveLength(summary.violations);
    expect(
      rowsOf(lines).every((r) => r.verdict === 'violation' && r.where.startsWith(`s3://${BUCKET}/${DAY_PREFIX}`)),
    ).toBe(true);
    expect(summary.ms).toBe(5);
    expect(mem.written.size).toBe(0);
  });

  it('rejects an object it may not read with its reason and scans the rest of the batch', async () => {
    // Prepare
    const denied = keys[1]!;
    const mem = new MemoryArchive(archive, new Set([denied]));
    const [batch] = batchesOf(keys, keys.length, false);

    // Act
    const summary = summaryOf(await scanBatch(batch!, { objects: mem, results: mem, evaluator, now: ticks() }));

    // Assess
    expect(summary).toMatchObject({ records: keys.length - 1, rejected: 1 });
    expect(summary.rejections).toEqual([`s3://${BUCKET}/${denied}: cannot read: AccessDenied`]);
  });

  it('fails the batch when a read may succeed later, so the map retries it', async () => {
    // Prepare
    const mem = new MemoryArchive(archive);
    const throttled = {
      read: async (bucket: string, key: string) => {
        if (key === keys[0]) throw new ArchiveReadError('SlowDown', `s3://${bucket}/${key}: SlowDown`, true);
        return mem.read(bucket, key);
      },
    };
    const [batch] = batchesOf(keys, keys.length, false);

    // Act
    const run = scanBatch(batch!, { objects: throttled, results: mem, evaluator, now: ticks() });

    // Assess
    await expect(run).rejects.toThrow(/SlowDown/);
  });

  it('skips listed objects of another archive kind without reading them', async () => {
    // Prepare
    const mem = new MemoryArchive(archive);
    const [batch] = batchesOf(
      [...keys, 'AWSLogs/111122223333/Config/eu-west-1/2026/11/2/ConfigHistory/x.json.gz'],
      100,
      false,
    );

    // Act
    const summary = summaryOf(await scanBatch(batch!, { objects: mem, results: mem, evaluator, now: ticks() }));

    // Assess
    expect(summary).toMatchObject({ objects: keys.length, skipped: 1, rejected: 0 });
  });

  it('writes the verdicts to the results prefix when they would not fit in the state output', async () => {
    // Prepare: one object of 600 violating records
    const record = fixtureEvent('ct-training-open.json').detail as Record<string, unknown>;
    const records = Array.from({ length: 600 }, (_, i) => ({ ...record, eventID: `big-${i}` }));
    const key = `${DAY_PREFIX}big.json.gz`;
    const mem = new MemoryArchive(new Map([[key, gzipSync(JSON.stringify({ Records: records }))]]));
    const [batch] = batchesOf([key], 1, false);

    // Act
    const lines = await scanBatch(batch!, { objects: mem, results: mem, evaluator, now: ticks() });

    // Assess
    const summary = summaryOf(lines);
    expect(lines).toHaveLength(1);
    expect(summary.spilled).toBe(`s3://results/backfill/backfill-test/spilled/${summary.batchId}.ndjson`);
    const spilled = mem.written.get(`results/backfill/backfill-test/spilled/${summary.batchId}.ndjson`)!;
    expect(spilled.length).toBeGreaterThan(INLINE_OUTPUT_BYTES);
    expect(spilled.trim().split('\n')).toHaveLength(summary.violations);
  });

  it('counts the transitions a recorded batch made, per owner', async () => {
    // Prepare
    const mem = new MemoryArchive(archive);
    const [batch] = batchesOf(keys, keys.length, true);
    const record = async () => [
      { kind: 'opened', republished: false, record: { owner: 'vision' } },
      { kind: 'opened', republished: true, record: { owner: 'vision' } },
    ];

    // Act
    const summary = summaryOf(
      await scanBatch(batch!, { objects: mem, results: mem, evaluator, now: ticks(), record: record as never }),
    );

    // Assess: one not-republished transition per recorded observation
    expect(summary.owners.vision?.opened).toBeGreaterThan(0);
    expect(summary.owners.vision?.opened).toBeLessThanOrEqual(summary.records);
  });
});

describe('Function: parseBatchEvent', () => {
  it.each([
    ['null', null],
    ['no items', { BatchInput: {} }],
    [
      'a foreign kind',
      { Items: [], BatchInput: { bucket: 'b', runId: 'r', resultsBucket: 'r', resultsPrefix: 'p', kind: 'x' } },
    ],
    [
      'an item without key',
      {
        Items: [{}],
        BatchInput: { bucket: 'b', runId: 'r', resultsBucket: 'r', resultsPrefix: 'p', kind: 'cloudtrail' },
      },
    ],
  ])('refuses %s with a BackfillEventError', (_name, event) => {
    // Act + Assess
    expect(() => parseBatchEvent(event)).toThrow(BackfillEventError);
  });

  it('takes record only when it is true', () => {
    // Act
    const e = parseBatchEvent({
      ...batchesOf(keys, 1, false)[0],
      BatchInput: { ...batchesOf(keys, 1, false)[0]!.BatchInput, record: 'yes' },
    });

    // Assess
    expect(e.BatchInput.record).toBe(false);
  });
});

describe('Function: planBackfill', () => {
  it('writes the prefixes of the range for every account and region it discovers', async () => {
    // Prepare
    const mem = new MemoryArchive(archive);

    // Act
    const plan: PlanResult = await planBackfill(
      {
        action: 'plan',
        bucket: BUCKET,
        prefix: '',
        kind: 'cloudtrail',
        from: '2026-10-30',
        to: '2026-12-31',
        runId: 'run-1',
        resultsBucket: 'results',
      },
      { lister: mem, results: mem },
    );

    // Assess
    const root = 'AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/';
    expect(plan).toEqual({
      resultsPrefix: 'backfill/run-1/',
      manifestKey: 'backfill/run-1/prefixes.json',
      prefixes: 4,
      accounts: ['111122223333'],
      regions: ['eu-west-1'],
    });
    expect(JSON.parse(mem.written.get('results/backfill/run-1/prefixes.json')!)).toEqual([
      { prefix: `${root}2026/10/30/` },
      { prefix: `${root}2026/10/31/` },
      { prefix: `${root}2026/11/` },
      { prefix: `${root}2026/12/` },
    ]);
  });
});
