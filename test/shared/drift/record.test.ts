import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { driftIdOf } from '../../../shared/drift/id.js';
import {
  applyOperatorChange,
  recordFinding,
  resolveManually,
  type ObservedFinding,
} from '../../../shared/drift/record.js';
import type { RecordFacts } from '../../../shared/drift/store.js';
import { intentOf } from '../../../shared/drift/transitions.js';
import { DriftNotFoundError, DriftStatusError } from '../../../shared/drift/errors.js';
import { startStoreFixture, type StoreFixture } from './store-fixture.js';

let fx: StoreFixture;
let seq = 0;

beforeAll(async () => {
  fx = await startStoreFixture();
});
afterAll(async () => {
  await fx.close();
});
afterEach(() => fx.reset());

/** A fresh (resource, rule) per test, so tests share one table without interfering. */
function factsFor(resourceId = `ml-training-bucket-${++seq}`): RecordFacts {
  const key = {
    account: '111122223333',
    region: 'eu-west-1',
    resourceType: 's3-bucket',
    resourceId,
    ruleId: 'TPS-S3-90',
  };
  return {
    ...key,
    driftId: driftIdOf(key),
    resourceArn: `arn:aws:s3:::${resourceId}`,
    title: 'Bucket versioning suspended',
    severity: 'high',
    area: 's3',
    owner: 'vision',
    packVersion: 'pack-1',
  };
}

function finding(
  facts: RecordFacts,
  eventId: string,
  minute: number,
  verdict: 'violation' | 'pass',
  opts: { resolves?: boolean; exceptionId?: string } = {},
): ObservedFinding {
  const f: ObservedFinding = {
    facts,
    intent: intentOf(verdict, opts.resolves ?? false, opts.exceptionId),
    verdict,
    eventId,
    eventTime: `2026-11-02T10:${String(minute).padStart(2, '0')}:00.000Z`,
    source: 'cloudtrail',
    actor: 'arn:aws:sts::111122223333:assumed-role/DataScientist/jdoe',
    evidence: { fields: { requestParameters: { bucketName: facts.resourceId } } },
  };
  if (opts.exceptionId) f.exceptionId = opts.exceptionId;
  return f;
}

const NOW = '2026-11-26T00:00:00.000Z';

describe('Function: recordFinding', () => {
  it('opens drift on a violation, with owner, first seen and one occurrence', async () => {
    // Prepare
    const facts = factsFor();
    // Act
    const out = await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    // Assess
    expect(out.outcome).toBe('applied');
    expect(out.transition?.kind).toBe('opened');
    const record = await fx.store.getRecord(facts.driftId);
    expect(record).toMatchObject({
      status: 'open',
      owner: 'vision',
      firstSeen: '2026-11-02T10:01:00.000Z',
      openedAt: '2026-11-02T10:01:00.000Z',
      occurrences: 1,
      lastEventId: 'e-1',
    });
    expect(record?.lastTransition).toEqual({ kind: 'opened', eventId: 'e-1', at: '2026-11-02T10:01:00.000Z' });
  });

  it('counts a repeated violation without a new transition and keeps the opening transition', async () => {
    // Prepare
    const facts = factsFor();
    await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    // Act
    const out = await recordFinding(fx.store, finding(facts, 'e-2', 2, 'violation'), NOW);
    // Assess
    expect(out).toEqual({ outcome: 'applied', driftId: facts.driftId });
    const record = await fx.store.getRecord(facts.driftId);
    expect(record).toMatchObject({
      status: 'open',
      occurrences: 2,
      lastEventId: 'e-2',
      openedAt: '2026-11-02T10:01:00.000Z',
    });
    expect(record?.lastTransition?.eventId).toBe('e-1');
  });

  it('resolves open drift on a later compliant observation that resolves', async () => {
    // Prepare
    const facts = factsFor();
    await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    // Act
    const out = await recordFinding(fx.store, finding(facts, 'e-2', 5, 'pass', { resolves: true }), NOW);
    // Assess
    expect(out.transition?.kind).toBe('resolved');
    expect(out.transition?.record).toMatchObject({
      status: 'resolved',
      resolvedAt: '2026-11-02T10:05:00.000Z',
      resolvedBy: 'arn:aws:sts::111122223333:assumed-role/DataScientist/jdoe',
      openedAt: '2026-11-02T10:01:00.000Z',
    });
  });

  it('records a pass that does not resolve in history only, leaving open drift open', async () => {
    // Prepare
    const facts = factsFor();
    await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    fx.reset();
    // Act
    const out = await recordFinding(fx.store, finding(facts, 'e-2', 5, 'pass', { resolves: false }), NOW);
    // Assess
    expect(out).toEqual({ outcome: 'observed', driftId: facts.driftId });
    expect(fx.writes()).toBe(1);
    expect((await fx.store.getRecord(facts.driftId))?.status).toBe('open');
    const history = await fx.store.listHistory(facts.driftId);
    expect(history.map((h) => [h.eventId, h.verdict, h.intent])).toEqual([
      ['e-1', 'violation', 'violation'],
      ['e-2', 'pass', 'observe'],
    ]);
  });

  it('reopens resolved drift when it breaks again, with a fresh openedAt', async () => {
    // Prepare
    const facts = factsFor();
    await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    await recordFinding(fx.store, finding(facts, 'e-2', 2, 'pass', { resolves: true }), NOW);
    // Act
    const out = await recordFinding(fx.store, finding(facts, 'e-3', 3, 'violation'), NOW);
    // Assess
    expect(out.transition?.kind).toBe('reopened');
    expect(out.transition?.record).toMatchObject({
      status: 'open',
      openedAt: '2026-11-02T10:03:00.000Z',
      firstSeen: '2026-11-02T10:01:00.000Z',
      occurrences: 2,
    });
    expect(out.transition?.record.resolvedAt).toBeUndefined();
  });

  it('keeps a resource first seen compliant as compliant, and opens (not reopens) it on a violation', async () => {
    // Prepare
    const facts = factsFor();
    const first = await recordFinding(fx.store, finding(facts, 'e-1', 1, 'pass', { resolves: true }), NOW);
    // Act
    const out = await recordFinding(fx.store, finding(facts, 'e-2', 2, 'violation'), NOW);
    // Assess
    expect(first.transition).toBeUndefined();
    expect(out.transition?.kind).toBe('opened');
  });

  it('suppresses drift covered by an active exception, then reopens it when the exception no longer matches', async () => {
    // Prepare
    const facts = factsFor();
    await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    // Act
    const suppressed = await recordFinding(
      fx.store,
      finding(facts, 'e-2', 2, 'violation', { exceptionId: 'EX-1' }),
      NOW,
    );
    const again = await recordFinding(fx.store, finding(facts, 'e-3', 3, 'violation', { exceptionId: 'EX-1' }), NOW);
    const reopened = await recordFinding(fx.store, finding(facts, 'e-4', 4, 'violation'), NOW);
    // Assess
    expect(suppressed.transition?.kind).toBe('suppressed');
    expect(suppressed.transition?.record.exceptionId).toBe('EX-1');
    expect(again.transition).toBeUndefined();
    expect(reopened.transition?.kind).toBe('reopened');
    expect(reopened.transition?.record.exceptionId).toBeUndefined();
  });

  it('changes nothing for the same event id twice and writes only the history marker attempt', async () => {
    // Prepare
    const facts = factsFor();
    await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    await recordFinding(fx.store, finding(facts, 'e-2', 2, 'violation'), NOW);
    const before = await fx.store.getRecord(facts.driftId);
    fx.reset();
    // Act
    const out = await recordFinding(fx.store, finding(facts, 'e-2', 2, 'violation'), NOW);
    // Assess
    expect(out).toEqual({ outcome: 'duplicate', driftId: facts.driftId });
    expect(fx.writes()).toBe(1);
    expect(fx.reads()).toBe(1);
    expect(await fx.store.getRecord(facts.driftId)).toEqual(before);
  });

  it('keeps an older observation in history without changing the state', async () => {
    // Prepare
    const facts = factsFor();
    await recordFinding(fx.store, finding(facts, 'e-9', 9, 'violation'), NOW);
    // Act
    const out = await recordFinding(fx.store, finding(facts, 'e-5', 5, 'pass', { resolves: true }), NOW);
    // Assess
    expect(out.outcome).toBe('stale');
    expect((await fx.store.getRecord(facts.driftId))?.status).toBe('open');
    expect((await fx.store.listHistory(facts.driftId)).map((h) => h.eventId)).toEqual(['e-5', 'e-9']);
  });

  it('lets the violation win when a violation and a fix share an event time, whatever the arrival order and ids', async () => {
    // Prepare
    const a = factsFor();
    const b = factsFor();
    // Act: same minute, ids "e-a" (violation) < "e-b" (resolve), arriving in both orders
    await recordFinding(fx.store, finding(a, 'e-a', 7, 'violation'), NOW);
    const fixAfter = await recordFinding(fx.store, finding(a, 'e-b', 7, 'pass', { resolves: true }), NOW);
    await recordFinding(fx.store, finding(b, 'e-b', 7, 'pass', { resolves: true }), NOW);
    const violationAfter = await recordFinding(fx.store, finding(b, 'e-a', 7, 'violation'), NOW);
    // Assess
    expect(fixAfter.outcome).toBe('stale');
    expect(violationAfter.transition?.kind).toBe('opened');
    expect((await fx.store.getRecord(a.driftId))?.status).toBe('open');
    expect((await fx.store.getRecord(b.driftId))?.status).toBe('open');
  });

  it('decides exactly one transition when the same violation is recorded concurrently', async () => {
    // Prepare
    const facts = factsFor();
    const events = Array.from({ length: 8 }, (_, i) => finding(facts, `e-${i}`, 1, 'violation'));
    // Act
    const outs = await Promise.all(events.map((f) => recordFinding(fx.store, f, NOW)));
    // Assess
    const kinds = outs.flatMap((o) => (o.transition ? [o.transition.kind] : []));
    expect(kinds).toEqual(['opened']);
  });

  it('stays within the write budget: two writes per finding, no read on the hot path', async () => {
    // Prepare
    const facts = factsFor();
    // Act
    await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    // Assess
    expect(fx.writes()).toBe(2);
    expect(fx.reads()).toBe(0);
  });

  it('applies the state write of a duplicate whose first delivery crashed between history and state', async () => {
    // Prepare: the history marker exists, the state write never happened
    const facts = factsFor();
    const f = finding(facts, 'e-1', 1, 'violation');
    await fx.store.putHistory({
      driftId: facts.driftId,
      eventId: 'e-1',
      eventTime: f.eventTime,
      verdict: 'violation',
      packVersion: 'pack-1',
    });
    // Act
    const out = await recordFinding(fx.store, f, NOW);
    // Assess
    expect(out.outcome).toBe('recovered');
    expect(out.transition?.kind).toBe('opened');
  });

  it('returns the transition again for a duplicate whose publish was lost', async () => {
    // Prepare: first delivery wrote everything and made the transition
    const facts = factsFor();
    const first = await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    // Act
    const again = await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    // Assess
    expect(again.outcome).toBe('duplicate');
    expect(again.transition?.kind).toBe(first.transition?.kind);
    expect(again.transition?.eventId).toBe('e-1');
    expect(again.transition?.republished).toBe(true);
  });
});

describe('Function: resolveManually', () => {
  it('resolves open drift by hand, recorded in history as manual with the reason', async () => {
    // Prepare
    const facts = factsFor();
    await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    // Act
    const t = await resolveManually(fx.store, facts.driftId, 'alice', 'bucket deleted', new Date(NOW));
    // Assess
    expect(t.kind).toBe('resolved');
    expect(t.record).toMatchObject({
      status: 'resolved',
      resolvedBy: 'alice',
      resolvedReason: 'bucket deleted',
      resolvedAt: NOW,
    });
    const manual = (await fx.store.listHistory(facts.driftId)).find((h) => h.verdict === 'manual');
    expect(manual).toMatchObject({ actor: 'alice', note: 'bucket deleted', transition: 'resolved' });
  });

  it('keeps the display name beside a proven identity, in the record and in history', async () => {
    // Prepare
    const facts = factsFor();
    const sam = 'arn:aws:sts::111122223333:assumed-role/SecurityAdmin/sam';
    await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation'), NOW);
    // Act
    const t = await resolveManually(fx.store, facts.driftId, sam, 'bucket deleted', new Date(NOW), 'Sam Admin');
    // Assess
    expect(t.record).toMatchObject({ resolvedBy: sam, resolvedByName: 'Sam Admin' });
    expect(await fx.store.getRecord(facts.driftId)).toMatchObject({ resolvedBy: sam, resolvedByName: 'Sam Admin' });
    const manual = (await fx.store.listHistory(facts.driftId)).find((h) => h.verdict === 'manual');
    expect(manual).toMatchObject({ actor: sam, actorName: 'Sam Admin' });
  });

  it('refuses to resolve drift that is not open, and an unknown id', async () => {
    // Prepare
    const facts = factsFor();
    await recordFinding(fx.store, finding(facts, 'e-1', 1, 'pass', { resolves: true }), NOW);
    // Act + Assess
    await expect(resolveManually(fx.store, facts.driftId, 'alice', 'x', new Date(NOW))).rejects.toBeInstanceOf(
      DriftStatusError,
    );
    await expect(
      resolveManually(fx.store, 'd-00000000000000000000', 'alice', 'x', new Date(NOW)),
    ).rejects.toBeInstanceOf(DriftNotFoundError);
  });

  it('takes effect after the latest observation even when the clock is behind the events', async () => {
    // Prepare
    const facts = factsFor();
    await recordFinding(fx.store, finding(facts, 'e-1', 30, 'violation'), NOW);
    // Act
    const t = await resolveManually(fx.store, facts.driftId, 'alice', 'fixed', new Date('2026-11-01T00:00:00Z'));
    // Assess
    expect(t.record.lastSeen > '2026-11-02T10:30:00.000Z').toBe(true);
    const older = await recordFinding(fx.store, finding(facts, 'e-0', 10, 'violation'), NOW);
    expect((await fx.store.getRecord(facts.driftId))?.status).toBe('resolved');
    // The episode the operator closed began earlier than announced: said late, the record stays resolved.
    expect(older.late?.map((l) => [l.kind, l.eventId, l.record.status])).toEqual([['opened', 'e-0', 'open']]);
  });
});

describe('Function: resolveManually (far-future times, attack 23)', () => {
  it('resolves drift whose latest observation is dated in year 9999, and real events after the resolution apply again', async () => {
    // Prepare: a record written before intake rejected far-future times (a write at any time is the store's to take)
    const facts = factsFor();
    const future = { ...finding(facts, 'e-future', 0, 'violation'), eventTime: '9999-12-31T23:59:59.999Z' };
    await recordFinding(fx.store, future, NOW);
    // Act
    const t = await resolveManually(fx.store, facts.driftId, 'alice', 'forged time', new Date(NOW));
    const real = await recordFinding(
      fx.store,
      { ...finding(facts, 'e-real', 0, 'violation'), eventTime: '2026-11-26T00:05:00.000Z' },
      NOW,
    );
    // Assess
    expect(t.kind).toBe('resolved');
    expect(t.record.lastSeen).toBe(NOW);
    expect(real.transition?.kind).toBe('reopened');
    expect((await fx.store.getRecord(facts.driftId))?.status).toBe('open');
  });
});

describe('Function: applyOperatorChange', () => {
  it('re-opens suppressed drift whose exception expired without counting an occurrence', async () => {
    // Prepare
    const facts = factsFor();
    await recordFinding(fx.store, finding(facts, 'e-1', 1, 'violation', { exceptionId: 'EX-1' }), NOW);
    // Act
    const t = await applyOperatorChange(fx.store, {
      driftId: facts.driftId,
      intent: 'violation',
      by: 'review-reminder',
      reason: 'exception EX-1 expired',
      onlyFrom: ['suppressed'],
      now: new Date(NOW),
    });
    // Assess
    expect(t?.kind).toBe('reopened');
    expect(t?.record).toMatchObject({ status: 'open', occurrences: 1 });
  });
});
