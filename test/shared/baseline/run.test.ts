import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SnapshotFileReader } from '../../../shared/adapters/local/index.js';
import { runBaseline } from '../../../shared/baseline/index.js';
import { driftIdOf, transitionBusEvent } from '../../../shared/drift/index.js';
import {
  type Dispatcher,
  MemoryLedger,
  notifyBusEvent,
  ownAccountHub,
  ruleCatalog,
} from '../../../shared/notify/index.js';
import { ingestEvent } from '../../../shared/ingest/index.js';
import { fixedClock } from '../../../shared/kernel/index.js';
import { asHistoryItem } from '../../helpers/config-snapshot.js';
import { type Json, loadJson, REPO_ROOT } from '../../helpers/fixtures.js';
import { startStoreFixture, type StoreFixture } from '../drift/store-fixture.js';
import { type BaselineFixture, baselineFixture, ItemsReader } from './baseline-fixture.js';

const ACCOUNT = '111122223333';
const REGION = 'eu-west-1';
const BUCKETS = { account: ACCOUNT, region: REGION, configType: 'AWS::S3::Bucket' };
const SNAPSHOT = join(REPO_ROOT, 'events', 'baseline');

const idOf = (resourceType: string, resourceId: string, ruleId: string) =>
  driftIdOf({ account: ACCOUNT, region: REGION, resourceType, resourceId, ruleId });

/** A configuration item of events/ under snapshot names, captured at `at`. */
function itemOf(file: string, at: string, edit: (i: Json) => void = () => undefined): Json {
  const item = asHistoryItem(loadJson<Json>(file).detail.configurationItem);
  item.configurationItemCaptureTime = at;
  edit(item);
  return item;
}

let db: StoreFixture;
let fx: BaselineFixture;

beforeEach(async () => {
  db = await startStoreFixture();
  fx = await baselineFixture(db);
});
afterEach(async () => {
  await db.close();
});

describe('Function: runBaseline', () => {
  it('opens the drift of a snapshot marked origin baseline, records the run and sends one summary per owner', async () => {
    // Act
    const result = await runBaseline(fx.deps(new SnapshotFileReader([SNAPSHOT])));

    // Assess: drift opened by the baseline, in the record and in its history
    const nlp = await db.store.getRecord(idOf('s3-bucket', 'ml-training-nlp-corpus', 'TPS-CFG-02'));
    expect(nlp).toMatchObject({ status: 'open', origin: 'baseline', owner: 'nlp' });
    const history = await db.store.listHistory(nlp!.driftId);
    expect(history).toEqual([
      expect.objectContaining({ origin: 'baseline', batchId: result.batch.batchId, verdict: 'violation' }),
    ]);
    // ... every transition carries the batch, and people hear one summary per owner
    expect(result.transitions.length).toBe(11);
    expect(result.transitions.every((t) => t.batch?.batchId === result.batch.batchId)).toBe(true);
    expect(fx.summaries.published.map((s) => [s.owner, s.resourcesOutOfPolicy, s.counts.opened])).toEqual([
      // default owns what the configuration maps to no team; fraud and nlp get copies of what their tag names
      ['default', 3, 7],
      ['fraud', 2, 4],
      ['nlp', 1, 3],
    ]);
    expect(result.batch.label).toBe('111122223333/eu-west-1');
    // ... and the run is kept per account and region with what it covered and found
    const runs = await fx.runs.listRuns('2026-11-01T00:00:00Z', '2026-11-04T00:00:00Z');
    expect(runs.map((r) => [r.region, r.read, r.evaluated, r.transitions.opened, r.covered.length])).toEqual([
      ['eu-west-1', 10, 10, 9, 4],
      ['global', 2, 2, 2, 1],
    ]);
    expect(runs[0]).toMatchObject({
      runId: result.batch.batchId,
      trigger: 'test',
      unreadable: 0,
      openAfter: { high: 6, medium: 3 },
    });
  });

  it('changes nothing with a read older than a later event (same ordering as events)', async () => {
    // Prepare: Config reported the bucket out of policy at 16:33
    await ingestEvent(loadJson('events/config/s3-bucket-noncompliant.json'), {
      ...fx.deps(new ItemsReader([], [])),
      intake: 'test',
    });
    const older = itemOf('events/config/s3-bucket-compliant.json', '2026-11-02T12:00:00.000Z', (i) => {
      i.resourceId = 'ml-training-nlp-corpus';
      i.resourceName = 'ml-training-nlp-corpus';
      i.arn = 'arn:aws:s3:::ml-training-nlp-corpus';
    });

    // Act: a baseline reads a state Config recorded at 12:00, before it
    const result = await runBaseline(fx.deps(new ItemsReader([older], [BUCKETS])));

    // Assess
    expect(result.transitions).toEqual([]);
    expect((await db.store.getRecord(idOf('s3-bucket', 'ml-training-nlp-corpus', 'TPS-CFG-01')))?.status).toBe('open');
  });

  it('resolves drift of a resource that now complies, and the event rules a whole-state rule reconciles', async () => {
    // Prepare: CloudTrail saw versioning suspended (09:05) and logging disabled (09:30); the fixes were missed
    const deps = { ...fx.deps(new ItemsReader([], [])), intake: 'test' };
    await ingestEvent(loadJson('events/cloudtrail/s3-put-bucket-versioning-suspended-violation.json'), deps);
    await ingestEvent(loadJson('events/cloudtrail/s3-put-bucket-logging-disabled-violation.json'), deps);
    await ingestEvent(loadJson('events/cloudtrail/cloudtrail-stop-logging-violation.json'), deps);
    const fixed = itemOf('events/config/s3-bucket-compliant.json', '2026-11-02T16:29:54.658Z');

    // Act
    const result = await runBaseline(fx.deps(new ItemsReader([fixed], [BUCKETS])));

    // Assess: TPS-CFG-01 passing reconciles TPS-S3-04; logging (no reconciling rule) and StopLogging stay open
    const versioning = await db.store.getRecord(idOf('s3-bucket', 'ml-training-fraud-data', 'TPS-S3-04'));
    expect(versioning).toMatchObject({ status: 'resolved', origin: 'baseline', resolvedBy: 'tpguard-baseline' });
    expect(versioning!.resolvedReason).toMatch(
      /^reconciled: TPS-CFG-01 passed on the state recorded at 2026-11-02T16:29:54/,
    );
    expect((await db.store.getRecord(idOf('s3-bucket', 'ml-training-fraud-data', 'TPS-S3-06')))?.status).toBe('open');
    const trail = await db.store.queryRecords({ statuses: ['open'] });
    expect(trail.some((r) => r.ruleId === 'TPS-AUD-01')).toBe(true);
    expect(result.transitions.map((t) => `${t.kind} ${t.record.ruleId}`)).toEqual(['resolved TPS-S3-04']);
    expect(fx.summaries.published.map((s) => s.counts)).toEqual([
      { opened: 0, reopened: 0, resolved: 1, gone: 0, suppressed: 0, unverifiable: 0 },
    ]);
  });

  it('resolves as gone the open drift of covered resources no longer listed, with the read as evidence', async () => {
    // Prepare: drift on the nlp bucket (16:33) and the fraud bucket (09:05)
    const deps = { ...fx.deps(new ItemsReader([], [])), intake: 'test' };
    await ingestEvent(loadJson('events/config/s3-bucket-noncompliant.json'), deps);
    await ingestEvent(loadJson('events/cloudtrail/s3-put-bucket-versioning-suspended-violation.json'), deps);
    await ingestEvent(loadJson('events/config/iam-role-noncompliant.json'), deps);

    // Act: buckets are listed (none of the two), roles are not covered; the nlp drift is 50 min old
    const result = await runBaseline(fx.deps(new ItemsReader([], [BUCKETS]), fixedClock('2026-11-02T17:23:00Z')));

    // Assess
    const gone = await db.store.getRecord(idOf('s3-bucket', 'ml-training-fraud-data', 'TPS-S3-04'));
    expect(gone).toMatchObject({ status: 'resolved', origin: 'baseline' });
    expect(gone!.resolvedReason).toMatch(
      /^gone: s3-bucket ml-training-fraud-data is not in the inventory of 111122223333\/eu-west-1/,
    );
    const history = await db.store.listHistory(gone!.driftId);
    expect(history.at(-1)).toMatchObject({
      verdict: 'gone',
      transition: 'resolved',
      evidence: { read: 'test', resourceType: 's3-bucket', resourceId: 'ml-training-fraud-data' },
    });
    // ... drift seen within goneAfterMinutes (Config's recording lag) and of uncovered types stays open
    expect((await db.store.getRecord(idOf('s3-bucket', 'ml-training-nlp-corpus', 'TPS-CFG-01')))?.status).toBe('open');
    const role = await db.store.queryRecords({ statuses: ['open'] });
    expect(role.some((r) => r.resourceType === 'iam-role')).toBe(true);
    expect(result.transitions.map((t) => t.kind)).toEqual(['resolved']);
    expect(fx.summaries.published[0]!.counts.gone).toBe(1);
  });

  it('records nothing new and sends no summary when the same state is read again', async () => {
    // Prepare
    await runBaseline(fx.deps(new SnapshotFileReader([SNAPSHOT])));
    fx.summaries.published.length = 0;
    db.reset();

    // Act
    const again = await runBaseline(fx.deps(new SnapshotFileReader([SNAPSHOT]), fixedClock('2026-11-10T06:00:00Z')));

    // Assess: the same items are duplicates (one conditional write each), nothing transitions
    expect(again.transitions).toEqual([]);
    expect(fx.summaries.published).toEqual([]);
    expect(db.counts.UpdateItem ?? 0).toBe(0);
  });

  it("reaches people only in the summary: read back from the store, a batch's transition goes to Security Hub alone", async () => {
    // Prepare: a baseline opens drift; its bus event claims no batch (the notifier trusts only the store)
    const result = await runBaseline(fx.deps(new SnapshotFileReader([SNAPSHOT])));
    const t = result.transitions.find((x) => x.record.owner === 'nlp')!;
    const e = transitionBusEvent(t);
    const { batch: _claimed, ...detail } = e.detail;
    const event = { version: '0', id: 'x', 'detail-type': e.detailType, source: e.source, detail };
    const sent: string[] = [];
    const record = async (m: { channel: string }) => void sent.push(m.channel);
    const dispatcher: Dispatcher = { email: record, slack: record, chatbot: record, securityhub: record };

    // Act
    const out = await notifyBusEvent(event, {
      ledger: new MemoryLedger(),
      dispatcher,
      catalog: ruleCatalog(fx.pack),
      config: fx.config,
      clock: fixedClock('2026-11-03T06:00:00Z'),
      securityHub: ownAccountHub,
      store: db.store,
    });

    // Assess
    expect(out.unsupported).toBeUndefined();
    expect(sent).toEqual(['securityhub']);
  });
});
