import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingestEvent } from '../../../shared/ingest/pipeline.js';
import { startStoreFixture, type StoreFixture } from '../drift/store-fixture.js';
import { fixtureEvent, ingestFixture, type IngestFixture } from './ingest-fixture.js';

/**
 * Attack report item 1 (second half): whoever makes a call chooses its content, so content that
 * makes a rule unable to judge (a truncated field, nesting too deep, an unreadable value) must not
 * silence the rule. Such a verdict is recorded as `unverifiable` drift, alerted once, and superseded
 * by the next verdict the rule can reach.
 */
let fx: StoreFixture;
let ing: IngestFixture;
beforeEach(async () => {
  fx = await startStoreFixture();
  ing = await ingestFixture(fx);
});
afterEach(async () => {
  await fx.close();
});

/** The versioning fixture at another time and id, optionally with its versioning field truncated. */
function versioning(name: string, minute: number, truncated = false): Record<string, unknown> {
  const e = fixtureEvent(name);
  const detail = e.detail as Record<string, unknown>;
  const time = `2026-11-02T12:${String(minute).padStart(2, '0')}:00Z`;
  const id = `${name.slice(14, 20)}-${minute}${truncated ? '-t' : ''}`;
  Object.assign(e, { time, id });
  Object.assign(detail, { eventTime: time, eventID: id });
  if (truncated) (detail.requestParameters as Record<string, unknown>).VersioningConfiguration = { omitted: true };
  return e;
}

async function record() {
  const [r] = await fx.store.queryRecords({
    statuses: ['open', 'resolved', 'compliant', 'unverifiable', 'suppressed'],
  });
  return r;
}

describe('Function: ingestEvent (cannot-evaluate does not silence)', () => {
  it('alerts an unverifiable record once, however often the rule cannot judge it', async () => {
    // Act
    const first = await ingestEvent(versioning('ct-versioning-suspended.json', 1, true), ing.deps);
    const second = await ingestEvent(versioning('ct-versioning-suspended.json', 2, true), ing.deps);
    // Assess
    expect(first.transitions.map((t) => t.kind)).toEqual(['unverifiable']);
    expect(second.transitions).toEqual([]);
    expect(await record()).toMatchObject({ status: 'unverifiable', lastIntent: 'unverifiable' });
    const history = await fx.store.listHistory((await record())!.driftId);
    expect(history.map((h) => [h.verdict, h.intent, h.reason])).toEqual([
      [
        'cannot-evaluate',
        'unverifiable',
        'CloudTrail truncated requestParameters.VersioningConfiguration (omitted: true)',
      ],
      [
        'cannot-evaluate',
        'unverifiable',
        'CloudTrail truncated requestParameters.VersioningConfiguration (omitted: true)',
      ],
    ]);
  });

  it('is superseded by the next verdict: a fix resolves it, a violation opens it', async () => {
    // Prepare
    await ingestEvent(versioning('ct-versioning-suspended.json', 1, true), ing.deps);
    // Act
    const fixed = await ingestEvent(versioning('ct-versioning-enabled.json', 2), ing.deps);
    await ingestEvent(versioning('ct-versioning-suspended.json', 3, true), ing.deps);
    const violated = await ingestEvent(versioning('ct-versioning-suspended.json', 4), ing.deps);
    // Assess
    expect(fixed.transitions.map((t) => t.kind)).toEqual(['resolved']);
    expect(violated.transitions.map((t) => t.kind)).toEqual(['opened']);
    expect((await record())?.status).toBe('open');
  });

  it('keeps open drift open when a later event cannot be judged (fail closed), without a new alert', async () => {
    // Prepare
    await ingestEvent(versioning('ct-versioning-suspended.json', 1), ing.deps);
    // Act
    const blind = await ingestEvent(versioning('ct-versioning-suspended.json', 2, true), ing.deps);
    // Assess
    expect(blind.transitions).toEqual([]);
    expect(await record()).toMatchObject({ status: 'open', lastEventId: 'suspen-2-t' });
  });
});
