import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestEvent } from '../../../shared/ingest/pipeline.js';
import { fixedClock } from '../../../shared/kernel/index.js';
import { startStoreFixture, type StoreFixture } from '../drift/store-fixture.js';
import { fixtureEvent, ingestFixture, type IngestFixture } from './ingest-fixture.js';

/**
 * Ordering attacks (issue 13, attack report items 9 and 23): CloudTrail times have one-second
 * resolution, EventBridge does not order deliveries, and whoever makes a call can date an event.
 * The same bucket, versioning suspended (violation) and enabled (fix), in the orders an attacker
 * can arrange.
 */
const SUSPEND = 'ct-versioning-suspended.json';
const ENABLE = 'ct-versioning-enabled.json';

/** A fixture event at another time and with another id (both the envelope and the record). */
function at(name: string, time: string, id: string): Record<string, unknown> {
  const e = fixtureEvent(name);
  const detail = e.detail as Record<string, unknown>;
  e.time = time;
  e.id = id;
  detail.eventTime = time;
  detail.eventID = id;
  return e;
}

let fx: StoreFixture;
let ing: IngestFixture;
beforeEach(async () => {
  fx = await startStoreFixture();
  ing = await ingestFixture(fx);
});
afterEach(async () => {
  await fx.close();
});

async function bucketRecord() {
  const [record] = await fx.store.queryRecords({ statuses: ['open', 'resolved', 'compliant', 'suppressed'] });
  return record;
}

describe('Function: ingestEvent (ordering fails closed)', () => {
  it.each([
    ['violation first', ['suspend', 'enable']],
    ['fix first', ['enable', 'suspend']],
  ])('leaves drift open when a violation and a fix share a second (%s), whatever their event ids', async (_, order) => {
    // Prepare: the suspend's id sorts before the enable's, as in the attack (12a)
    const events: Record<string, Record<string, unknown>> = {
      suspend: at(SUSPEND, '2026-11-02T09:30:00Z', '0a1b2c3d-suspend'),
      enable: at(ENABLE, '2026-11-02T09:30:00Z', 'f1d0c0de-enable'),
    };
    // Act
    for (const name of order) await ingestEvent(events[name], ing.deps);
    // Assess
    const record = await bucketRecord();
    expect(record?.status).toBe('open');
    expect(ing.publisher.published.map((t) => t.kind)).toContain('opened');
  });

  it('rejects an observation dated beyond the allowed skew, writes no drift for it, and lets real events apply', async () => {
    // Prepare: the receiving clock is 2026-11-02T18:00:00Z; a fix dated 9999 (12b)
    const future = at(ENABLE, '9999-12-31T23:59:59Z', 'evt-future');
    const now = at(SUSPEND, '2026-11-02T17:59:00Z', 'evt-real-suspend');
    // Act
    const rejected = await ingestEvent(future, ing.deps);
    const writesForFuture = await fx.store.listHistory((await bucketRecord())?.driftId ?? 'd-00000000000000000000');
    await ingestEvent(now, ing.deps);
    // Assess
    expect(rejected.rejected).toHaveLength(1);
    expect(rejected.rejected[0]!.reason).toContain('ahead of the receiving clock');
    expect(rejected.findings).toBe(0);
    expect(writesForFuture).toEqual([]);
    const record = await bucketRecord();
    expect(record?.status).toBe('open');
    expect((await fx.store.listHistory(record!.driftId)).map((h) => h.eventId)).toEqual(['evt-real-suspend']);
  });

  it('accepts an observation dated within the skew (clocks differ by seconds) and honours the configured skew', async () => {
    // Prepare
    const soon = at(SUSPEND, '2026-11-02T18:10:00Z', 'evt-soon');
    const strict = await ingestFixture(fx, { clock: fixedClock('2026-11-02T18:00:00Z') });
    strict.deps.evaluator = {
      ...strict.deps.evaluator,
      config: { ...strict.config, ingest: { maxFutureSkewMinutes: 5 } },
    };
    // Act
    const loose = await ingestEvent(structuredClone(soon), ing.deps);
    const tight = await ingestEvent(at(SUSPEND, '2026-11-02T18:10:00Z', 'evt-soon-2'), strict.deps);
    // Assess
    expect(loose.rejected).toEqual([]);
    expect(loose.findings).toBe(1);
    expect(tight.rejected).toHaveLength(1);
  });

  it('reports a violation that arrives after the fix that ended it as an opened-and-resolved episode (12c)', async () => {
    // Prepare: suspended at 10:00, enabled at 10:05; the enable is delivered first
    const enable = at(ENABLE, '2026-11-02T10:05:00Z', 'evt-enable-1005');
    const suspend = at(SUSPEND, '2026-11-02T10:00:00Z', 'evt-suspend-1000');
    // Act
    await ingestEvent(enable, ing.deps);
    const late = await ingestEvent(suspend, ing.deps);
    // Assess
    expect(late.transitions.map((t) => [t.kind, t.eventId])).toEqual([
      ['opened', 'evt-suspend-1000'],
      ['resolved', 'evt-enable-1005'],
    ]);
    const record = await bucketRecord();
    expect(record).toMatchObject({
      status: 'resolved',
      lastEventId: 'evt-enable-1005',
      firstSeen: '2026-11-02T10:00:00.000Z',
    });
  });

  it('publishes the same transitions for the late violation as for the same events in order', async () => {
    // Prepare
    const enable = () => at(ENABLE, '2026-11-02T10:05:00Z', 'evt-enable-1005');
    const suspend = () => at(SUSPEND, '2026-11-02T10:00:00Z', 'evt-suspend-1000');
    const other = await startStoreFixture();
    const inOrder = await ingestFixture(other);
    // Act
    await ingestEvent(suspend(), inOrder.deps);
    await ingestEvent(enable(), inOrder.deps);
    await ingestEvent(enable(), ing.deps);
    await ingestEvent(suspend(), ing.deps);
    // Assess
    const key = (t: { kind: string; eventId: string }) => `${t.kind}#${t.eventId}`;
    expect(ing.publisher.published.map(key).sort()).toEqual(inOrder.publisher.published.map(key).sort());
    await other.close();
  });
});
