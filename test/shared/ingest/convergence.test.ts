import { describe, expect, it } from 'vitest';
import { DriftStatuses, type DriftRecord } from '../../../shared/drift/index.js';
import { ingestEvent } from '../../../shared/ingest/pipeline.js';
import { startStoreFixture, type StoreFixture } from '../drift/store-fixture.js';
import { allFixtureEvents, ingestFixture, type IngestFixture } from './ingest-fixture.js';

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
