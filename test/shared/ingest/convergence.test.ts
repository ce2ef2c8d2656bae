import { describe, expect, it } from 'vitest';
import { transitionEnvelope } from '../../../shared/adapters/local/index.js';
import { DriftStatuses, type DriftRecord } from '../../../shared/drift/index.js';
import { MemoryLedger, notifyBusEvent, ruleCatalog } from '../../../shared/notify/index.js';
import { recordingDispatcher } from '../notify/support.js';
import { ingestEvent } from '../../../shared/ingest/pipeline.js';
import { startStoreFixture, type StoreFixture } from '../drift/store-fixture.js';
import { allFixtureEvents, fixtureEvent, ingestFixture, type IngestFixture } from './ingest-fixture.js';

/**
 * The state a run must converge to: what each record says now, not how it got there. `resolved`
 * and `compliant` both mean "not drift now"; which one depends on whether the violation was
 * applied before the fix arrived, so they compare as `closed`.
 */
function stateOf(records: DriftRecord[]) {
  const closed = (s: string) => (s === 'resolved' || s === 'compliant' ? 'closed' : s);
  return records
    .map((r) => ({
      driftId: r.driftId,
      ruleId: r.ruleId,
      resource: `${r.resourceType}/${r.resourceId}`,
      status: closed(r.status),
      lastSeen: r.lastSeen,
      lastEventId: r.lastEventId,
      owner: r.owner,
      severity: r.severity,
    }))
    .sort((a, b) => a.driftId.localeCompare(b.driftId));
}

async function snapshot(fx: StoreFixture) {
  const all = stateOf(await fx.store.queryRecords({ statuses: DriftStatuses }));
  return { all, open: all.filter((r) => r.status === 'open') };
}

/** mulberry32: a small seeded generator, so every run of this test sees the same orders. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The events shuffled, with a third of them delivered twice at random places. */
function shuffledWithDuplicates<T>(events: T[], seed: number): T[] {
  const rnd = random(seed);
  const out = [...events];
  const extra = Math.ceil(events.length / 3);
  for (let i = 0; i < extra; i++) out.push(structuredClone(events[Math.floor(rnd() * events.length)]!));
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(rnd() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

async function run(
  events: Record<string, unknown>[],
): Promise<{ fx: StoreFixture; ing: IngestFixture; findings: number }> {
  const fx = await startStoreFixture();
  const ing = await ingestFixture(fx);
  let findings = 0;
  for (const e of events) findings += (await ingestEvent(structuredClone(e), ing.deps)).findings;
  return { fx, ing, findings };
}

describe('Function: ingestEvent (convergence)', () => {
  it('changes nothing when the same events are replayed a second time', async () => {
    // Prepare
    const events = allFixtureEvents();
    const { fx, ing, findings } = await run(events);
    const before = await snapshot(fx);
    const published = ing.publisher.published.length;
    fx.reset();
    // Act
    for (const e of events) await ingestEvent(structuredClone(e), ing.deps);
    // Assess
    expect(await snapshot(fx)).toEqual(before);
    expect(fx.counts.UpdateItem ?? 0).toBe(0);
    expect(fx.counts.PutItem).toBe(findings); // one marker attempt per (event, rule, resource), nothing else
    const republished = ing.publisher.published.slice(published);
    expect(
      republished.every((t) =>
        ing.publisher.published
          .slice(0, published)
          .some((p) => p.kind === t.kind && p.eventId === t.eventId && p.record.driftId === t.record.driftId),
      ),
    ).toBe(true);
    await fx.close();
  });

  it('ends with the same open drift when the events arrive shuffled with a third of them duplicated', async () => {
    // Prepare
    const events = allFixtureEvents();
    const baseline = await run(events);
    const expected = await snapshot(baseline.fx);
    await baseline.fx.close();
    expect(expected.open.length).toBeGreaterThanOrEqual(4);
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      // Act
      const { fx, ing } = await run(shuffledWithDuplicates(events, seed));
      // Assess
      const got = await snapshot(fx);
      expect(got.open, `seed ${seed}`).toEqual(expected.open);
      expect(got.all, `seed ${seed}`).toEqual(expected.all);
      // One decision per (record, event): a transition published twice is the same transition, never two different ones.
      const decided = new Map<string, string>();
      for (const t of ing.publisher.published) {
        const key = `${t.record.driftId}|${t.eventId}`;
        expect(decided.get(key) ?? t.kind, `seed ${seed} ${key}`).toBe(t.kind);
        decided.set(key, t.kind);
      }
      await fx.close();
    }
  });
});

/**
 * Every arrival order of one small stream on one bucket: two same-second events (a fix whose id
 * sorts after the violation's, as in attack 12a), a fix, a violation, a fix. In event order: the
 * violation wins the tie and opens, 10:05 resolves, 10:10 re-opens, 10:12 resolves.
 */
const STREAM: Array<{ name: string; time: string; id: string; violates: boolean }> = [
  { name: 'ct-versioning-suspended.json', time: '2026-11-02T10:00:00Z', id: 'a-suspend-1000', violates: true },
  { name: 'ct-versioning-enabled.json', time: '2026-11-02T10:00:00Z', id: 'z-enable-1000', violates: false },
  { name: 'ct-versioning-enabled.json', time: '2026-11-02T10:05:00Z', id: 'b-enable-1005', violates: false },
  { name: 'ct-versioning-suspended.json', time: '2026-11-02T10:10:00Z', id: 'c-suspend-1010', violates: true },
  { name: 'ct-versioning-enabled.json', time: '2026-11-02T10:12:00Z', id: 'd-enable-1012', violates: false },
];

function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  return items.flatMap((x, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((p) => [x, ...p]));
}

/** The stream's events for one bucket (each permutation gets its own bucket, so one table serves all). */
function streamEvent(s: (typeof STREAM)[number], bucket: string): Record<string, unknown> {
  const e = fixtureEvent(s.name);
  const detail = e.detail as Record<string, any>;
  Object.assign(e, { time: s.time, id: s.id });
  Object.assign(detail, { eventTime: s.time, eventID: s.id });
  detail.requestParameters.bucketName = bucket;
  detail.requestParameters.Host = `${bucket}.s3.eu-west-1.amazonaws.com`;
  for (const r of detail.resources ?? []) if (r.type === 'AWS::S3::Bucket') r.ARN = `arn:aws:s3:::${bucket}`;
  return e;
}

/** The runs of equal status of the stream in event order (the oracle, apart from the store): eventId -> run. */
function episodes(): Map<string, { run: number; status: string }> {
  const ordered = [...STREAM].sort(
    (a, b) => a.time.localeCompare(b.time) || Number(a.violates) - Number(b.violates) || a.id.localeCompare(b.id),
  );
  const out = new Map<string, { run: number; status: string }>();
  let status = 'none';
  let run = -1;
  for (const s of ordered) {
    const next = s.violates ? 'open' : status === 'none' || status === 'compliant' ? 'compliant' : 'resolved';
    if (next !== status) run++;
    status = next;
    out.set(s.id, { run, status });
  }
  return out;
}

const STATUS_OF_KIND: Record<string, string> = { opened: 'open', reopened: 'open', resolved: 'resolved' };

describe('Function: ingestEvent and the notifier (every arrival order)', () => {
  it('gives the same record and the same alerts (channel, kind, drift, episode) for every order of a 5-event stream', async () => {
    // Prepare
    const fx = await startStoreFixture();
    const ing = await ingestFixture(fx);
    const { dispatcher, sent } = recordingDispatcher(['email', 'slack']);
    const deps = {
      store: fx.store,
      ledger: new MemoryLedger(),
      dispatcher,
      catalog: ruleCatalog(ing.pack),
      config: {
        ...ing.config,
        owners: { ...ing.config.owners, default: { email: ['ml-security@example.com'], slack: 'env:SLACK' } },
      },
      clock: ing.deps.clock,
    };
    const orders = permutations(STREAM);
    const runs = episodes();
    const results: Array<{ record: unknown; alerts: string[] }> = [];
    try {
      for (const [n, order] of orders.entries()) {
        // Act: each event delivered, what it published notified at once
        const bucket = `ml-training-perm-${n}`;
        const before = sent.length;
        for (const s of order) {
          const published = ing.publisher.published.length;
          await ingestEvent(streamEvent(s, bucket), ing.deps);
          for (const t of ing.publisher.published.slice(published))
            await notifyBusEvent(transitionEnvelope(structuredClone(t)), deps);
        }
        // Assess (collected): the record, and each alert as (channel, kind, episode)
        const [record] = (await fx.store.queryRecords({ statuses: DriftStatuses })).filter(
          (r) => r.resourceId === bucket,
        );
        const alerts = sent.slice(before).map((m) => {
          const episode = runs.get(m.eventId!)!;
          const kind = m.kind === 'reopened' ? 'opened' : m.kind;
          expect(episode.status, `${order.map((s) => s.id).join(' ')}: ${m.kind} ${m.eventId}`).toBe(
            STATUS_OF_KIND[m.kind],
          );
          return `${m.channel}|${kind}|${m.driftId === record!.driftId ? 'drift' : m.driftId}|episode ${episode.run}`;
        });
        results.push({
          record: {
            status: record!.status,
            lastSeen: record!.lastSeen,
            lastEventId: record!.lastEventId,
            firstSeen: record!.firstSeen,
            owner: record!.owner,
            severity: record!.severity,
          },
          alerts: [...new Set(alerts)].sort(),
        });
      }
    } finally {
      await fx.close();
    }
    // Assess: every order as the order of the events in time
    const inOrder = results[0]!;
    expect(orders.length).toBe(120);
    expect(inOrder.record).toMatchObject({
      status: 'resolved',
      lastEventId: 'd-enable-1012',
      firstSeen: '2026-11-02T10:00:00.000Z',
    });
    expect(inOrder.alerts).toEqual([
      'email|opened|drift|episode 1',
      'email|opened|drift|episode 3',
      'email|resolved|drift|episode 2',
      'email|resolved|drift|episode 4',
      'slack|opened|drift|episode 1',
      'slack|opened|drift|episode 3',
      'slack|resolved|drift|episode 2',
      'slack|resolved|drift|episode 4',
    ]);
    for (const [n, r] of results.entries()) expect(r, orders[n]!.map((s) => s.id).join(' ')).toEqual(inOrder);
  }, 300_000);
});
