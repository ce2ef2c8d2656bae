import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftIdOf } from '../../../shared/drift/id.js';
import { recordFinding, type ObservedFinding } from '../../../shared/drift/record.js';
import { isAfter, nextStatus, transitionOf, type StateIntent } from '../../../shared/drift/transitions.js';
import type { DriftStatus } from '../../../shared/drift/types.js';
import { startStoreFixture, type StoreFixture } from './store-fixture.js';

let fx: StoreFixture;
let run = 0;
beforeAll(async () => {
  fx = await startStoreFixture();
});
afterAll(async () => {
  await fx.close();
});

interface Op {
  intent: StateIntent;
  minute: number;
  id: string;
}

const op = fc.record({
  intent: fc.constantFrom<StateIntent>('violation', 'suppress', 'resolve'),
  minute: fc.integer({ min: 0, max: 9 }),
  id: fc.constantFrom('a', 'b', 'c', 'd'),
});
const time = (m: number) => `2026-11-02T10:0${m}:00.000Z`;

function finding(driftId: string, o: Op): ObservedFinding {
  const facts = {
    driftId,
    account: '111122223333',
    region: 'eu-west-1',
    resourceType: 's3-bucket',
    resourceId: `b-${run}`,
    ruleId: 'TPS-S3-90',
    title: 'Versioning suspended',
    severity: 'high' as const,
    area: 's3',
    owner: 'default',
    packVersion: 'p',
  };
  return {
    facts,
    intent: o.intent,
    verdict: o.intent === 'resolve' ? 'pass' : 'violation',
    eventId: `${o.id}-${o.minute}-${o.intent}`,
    eventTime: time(o.minute),
    source: 'cloudtrail',
    ...(o.intent === 'suppress' ? { exceptionId: 'EX-1' } : {}),
  };
}

describe('DynamoDriftStore against the state machine model', () => {
  it('applies exactly the newer observations, makes the transitions the model names, and ends in the state of the latest event', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        // Prepare
        run++;
        const driftId = driftIdOf({
          account: '111122223333',
          region: 'eu-west-1',
          resourceType: 's3-bucket',
          resourceId: `b-${run}`,
          ruleId: 'TPS-S3-90',
        });
        let model: DriftStatus | undefined;
        let last: { eventTime: string; eventId: string } | undefined;
        const seen = new Set<string>();
        for (const o of ops) {
          const f = finding(driftId, o);
          // Act
          const out = await recordFinding(fx.store, f, '2026-11-26T00:00:00.000Z');
          // Assess: duplicates and older events change nothing; newer ones follow the model
          const newer = !seen.has(f.eventId) && (!last || isAfter(f, last));
          seen.add(f.eventId);
          if (!newer) {
            expect(['duplicate', 'stale']).toContain(out.outcome);
            continue;
          }
          const after = nextStatus(model, o.intent);
          expect(out.outcome).toBe('applied');
          expect(out.transition?.kind).toBe(transitionOf(model, after));
          model = after;
          last = f;
        }
        const record = await fx.store.getRecord(driftId);
        expect(record?.status).toBe(model);
        // Order independence: open/suppressed/closed is decided by the latest event alone.
        const latest = ops.map((o) => ({ o, f: finding(driftId, o) })).reduce((a, b) => (isAfter(b.f, a.f) ? b : a));
        const closed = (s?: DriftStatus) => (s === 'resolved' || s === 'compliant' ? 'closed' : s);
        expect(closed(record?.status)).toBe(closed(nextStatus(undefined, latest.o.intent)));
      }),
      { numRuns: 40, seed: 20261102 },
    );
  }, 60_000);
});
