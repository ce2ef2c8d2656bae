import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDriftStore, DynamoNotificationLedger } from '../../../shared/adapters/aws/index.js';
import { backfillLambdaHandler } from '../../../shared/adapters/lambda/index.js';
import type { BatchLine, BatchSummary as WorkerSummary } from '../../../shared/backfill/index.js';
import { ingestEvent } from '../../../shared/ingest/index.js';
import {
  type BatchSummary,
  batchHeadline,
  notifyBatchSummary,
  type NotifierDeps,
  notifyTransition,
  ownAccountHub,
} from '../../../shared/notify/index.js';
import { openTestTable } from '../../helpers/dynamodb.js';
import { fixtureEvent, ingestFixture, RecordingPublisher } from '../ingest/ingest-fixture.js';
import { clockAt, recordingDispatcher, shippedCatalog } from '../notify/support.js';
import { batchesOf, cloudTrailArchive, MemoryArchive } from './archive-fixture.js';

/**
 * A `--record` backfill batch (the worker handler on the embedded DynamoDB) marks its drift
 * `origin: backfill` and is alerted as one summary per owner and channel, Security Hub still per
 * drift, each once however often the batch is delivered; live events after it alert one by one.
 */
const archive = cloudTrailArchive();
const keys = [...archive.keys()].sort();
let table: Awaited<ReturnType<typeof openTestTable>>;

beforeAll(async () => {
  table = await openTestTable();
});
afterAll(async () => {
  await table.close();
});

describe('Function: backfill-worker with record (alerts summarized per owner)', () => {
  it('sends one summary per owner and channel, Security Hub per drift, nothing twice on redelivery', async () => {
    // Prepare: the worker on the embedded store, its bus and summaries recorded, the notifier behind them
    const store = new DynamoDriftStore(table.doc, { tableName: table.tableName });
    const fx = await ingestFixture({ store } as never);
    const publisher = new RecordingPublisher();
    const summaries: BatchSummary[] = [];
    const deps = {
      archive: new MemoryArchive(archive),
      evaluator: fx.deps.evaluator,
      ingest: { ...fx.deps, store, publisher, intake: 'backfill-worker' },
      summaries: { publishSummaries: async (s: readonly BatchSummary[]) => void summaries.push(...structuredClone(s)) },
      now: () => 0,
    };
    const rec = recordingDispatcher();
    const notifier: NotifierDeps = {
      ledger: new DynamoNotificationLedger(table.doc, table.tableName),
      dispatcher: rec.dispatcher,
      catalog: await shippedCatalog(),
      config: fx.config,
      clock: clockAt('2026-11-03T06:00:00.000Z'),
      chatbotTopicArn: 'arn:aws:sns:eu-west-1:111122223333:chat',
      securityHub: ownAccountHub,
    };
    const deliver = async (from: { transitions: number; summaries: number }) => {
      for (const t of publisher.published.slice(from.transitions)) await notifyTransition(t, notifier);
      for (const s of summaries.slice(from.summaries)) await notifyBatchSummary(s, notifier);
    };
    const [batch] = batchesOf(keys, keys.length, true);

    // Act: the batch, then the same batch delivered again (the map retries it)
    const first = (await backfillLambdaHandler(structuredClone(batch!), deps)) as BatchLine[];
    await deliver({ transitions: 0, summaries: 0 });
    const afterFirst = rec.sent.length;
    const mark = { transitions: publisher.published.length, summaries: summaries.length };
    await backfillLambdaHandler(structuredClone(batch!), deps);
    await deliver(mark);

    // Assess: drift marked backfill, people hear one summary per owner and channel
    const worker = (first.at(-1) as { batch: WorkerSummary }).batch;
    const opened = publisher.published.slice(0, mark.transitions).filter((t) => !t.republished);
    expect(opened.length).toBeGreaterThan(1);
    expect(opened.every((t) => t.batch?.kind === 'backfill')).toBe(true);
    const records = await store.queryRecords({ statuses: ['open', 'resolved', 'suppressed', 'compliant'] });
    expect(records.some((r) => r.origin === 'backfill')).toBe(true);
    const owners = [...new Set(opened.map((t) => t.record.owner ?? 'default'))].sort();
    expect(worker.summaries).toEqual(owners);
    const people = rec.sent.filter((m) => m.channel !== 'securityhub');
    expect(people.every((m) => m.kind === 'batch')).toBe(true);
    const perOwnerChannel = people.map((m) => `${m.owner} ${m.channel}`);
    expect(new Set(perOwnerChannel).size).toBe(perOwnerChannel.length);
    expect(people.length).toBeGreaterThan(0);
    expect(new Set(people.map((m) => m.owner)).size).toBe(owners.length);
    expect(rec.sent.filter((m) => m.channel === 'securityhub').length).toBeGreaterThan(0);
    expect(batchHeadline(summaries[0]!)).toMatch(/^backfill backfill-test: \d+ resources? out of policy/);
    // ... and the redelivery summarized again (in case the first publish was lost), but sent nothing twice
    expect(summaries.length).toBe(2 * owners.length);
    expect(rec.sent.length).toBe(afterFirst);
  });

  it('alerts a live event after the backfill one message per transition, as usual', async () => {
    // Prepare: a live CloudTrail event opening drift on another training job
    const store = new DynamoDriftStore(table.doc, { tableName: table.tableName });
    const fx = await ingestFixture({ store } as never);
    const event = JSON.parse(
      JSON.stringify(fixtureEvent('ct-training-open.json')).replaceAll('llm-finetune-jdoe-7', 'llm-finetune-live-1'),
    ) as { detail: { eventID: string } };
    event.detail.eventID = 'live-after-backfill-1';
    const rec = recordingDispatcher();
    const notifier: NotifierDeps = {
      ledger: new DynamoNotificationLedger(table.doc, table.tableName),
      dispatcher: rec.dispatcher,
      catalog: await shippedCatalog(),
      config: fx.config,
      clock: clockAt('2026-11-03T07:00:00.000Z'),
      securityHub: ownAccountHub,
    };

    // Act
    const result = await ingestEvent(event, { ...fx.deps, store });
    for (const t of result.transitions) await notifyTransition(t, notifier);

    // Assess: no batch, a per-drift message to people
    expect(result.transitions.length).toBeGreaterThan(0);
    expect(result.transitions.every((t) => t.batch === undefined)).toBe(true);
    expect(rec.sent.some((m) => m.channel === 'email' && m.kind !== 'batch')).toBe(true);
  });
});
