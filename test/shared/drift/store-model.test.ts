import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftIdOf } from '../../../shared/drift/id.js';
import { recordFinding, type ObservedFinding } from '../../../shared/drift/record.js';
import type { StateIntent } from '../../../shared/drift/transitions.js';
import type { DriftStatus, DriftTransition } from '../../../shared/drift/types.js';
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

const time = (m: number) => `2026-11-02T10:0${m}:00.000Z`;
const eventIdOf = (o: Op) => `${o.id}-${o.minute}-${o.intent}`;

/**
 * The oracle, written apart from the store: the distinct observations sorted by time, on equal
 * times the more alarming one last (it wins: fail closed), then by id; the status folded over them.
 */
const RANK: Record<StateIntent, number> = { resolve: 0, unverifiable: 1, suppress: 2, violation: 3 };
function sorted(ops: readonly Op[]): Op[] {
  const distinct = new Map(ops.map((o) => [eventIdOf(o), o]));
  return [...distinct.values()].sort(
    (a, b) => a.minute - b.minute || RANK[a.intent] - RANK[b.intent] || (eventIdOf(a) < eventIdOf(b) ? -1 : 1),
  );
}

interface Run {
  status: DriftStatus;
  /** Whether the run starts with a transition (a compliant run, or the closed run before anything, has none). */
  alerted: boolean;
}

/** The status after each observation, and the runs of equal status they form. */
function oracle(ops: readonly Op[]): { final: DriftStatus; runOf: Map<string, number>; runs: Run[] } {
  let status: DriftStatus | undefined;
  let violated = false;
  let unverified = false;
  const runOf = new Map<string, number>();
  const runs: Run[] = [];
  for (const o of sorted(ops)) {
    const before = status;
    if (o.intent === 'violation') status = 'open';
    else if (o.intent === 'suppress') status = 'suppressed';
    else if (o.intent === 'unverifiable')
      status = status === 'open' || status === 'suppressed' ? status : 'unverifiable';
    else {
      const inEpisode = status === 'open' || status === 'suppressed' || status === 'unverifiable';
      status = inEpisode || violated || unverified ? 'resolved' : 'compliant';
    }
    violated ||= o.intent === 'violation' || o.intent === 'suppress';
    unverified ||= o.intent === 'unverifiable';
    const closed = (s?: DriftStatus) => s === 'resolved' || s === 'compliant' || s === undefined;
    const same = before === status || (closed(before) && closed(status));
    if (!same || runs.length === 0)
      runs.push({ status, alerted: !same && status !== 'compliant' && before !== status });
    runOf.set(eventIdOf(o), runs.length - 1);
  }
  return { final: status!, runOf, runs };
}

const STATUS_OF_KIND: Record<string, DriftStatus> = {
  opened: 'open',
  reopened: 'open',
  suppressed: 'suppressed',
  resolved: 'resolved',
  unverifiable: 'unverifiable',
};

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
  const verdict = o.intent === 'resolve' ? 'pass' : o.intent === 'unverifiable' ? 'cannot-evaluate' : 'violation';
  return {
    facts,
    intent: o.intent,
    verdict,
    eventId: eventIdOf(o),
    eventTime: time(o.minute),
    source: 'cloudtrail',
    ...(o.intent === 'suppress' ? { exceptionId: 'EX-1' } : {}),
  };
}

async function deliver(ops: readonly Op[]): Promise<{ driftId: string; published: DriftTransition[] }> {
  run++;
  const driftId = driftIdOf({
    account: '111122223333',
    region: 'eu-west-1',
    resourceType: 's3-bucket',
    resourceId: `b-${run}`,
    ruleId: 'TPS-S3-90',
  });
  const published: DriftTransition[] = [];
  for (const o of ops) {
    const out = await recordFinding(fx.store, finding(driftId, o), '2026-11-26T00:00:00.000Z');
    if (out.transition) published.push(out.transition);
    published.push(...(out.late ?? []));
  }
  return { driftId, published };
}

const opOf = (intents: StateIntent[]) =>
  fc.record({
    intent: fc.constantFrom(...intents),
    minute: fc.integer({ min: 0, max: 5 }),
    id: fc.constantFrom('a', 'b', 'c'),
  });

describe('DynamoDriftStore against the timeline model, in any arrival order', () => {
  it('ends in the status of the observations in event order, announces every run of that timeline and nothing else', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opOf(['violation', 'suppress', 'resolve']), { minLength: 1, maxLength: 8 }),
        async (ops) => {
          // Act
          const { driftId, published } = await deliver(ops);
          // Assess: the record says what the timeline says
          const model = oracle(ops);
          expect((await fx.store.getRecord(driftId))?.status).toBe(model.final);
          // Assess: every run that starts with a transition is announced, and every announcement is of
          // a run of its status (a run announced at a later event may be announced again at its start)
          const announced = new Set<number>();
          for (const t of published) {
            const runIndex = model.runOf.get(t.eventId)!;
            expect(model.runs[runIndex]!.status, `${t.kind} ${t.eventId}`).toBe(STATUS_OF_KIND[t.kind]);
            announced.add(runIndex);
          }
          const expected = model.runs.flatMap((r, i) => (r.alerted ? [i] : []));
          expect([...announced].sort()).toEqual(expected.sort());
        },
      ),
      { numRuns: 60, seed: 20261102 },
    );
  }, 180_000);

  it('with unverifiable observations too: ends in the status of the timeline and announces every run of it', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(opOf(['violation', 'suppress', 'resolve', 'unverifiable']), { minLength: 1, maxLength: 8 }),
        async (ops) => {
          // Act
          const { driftId, published } = await deliver(ops);
          // Assess
          const model = oracle(ops);
          expect((await fx.store.getRecord(driftId))?.status).toBe(model.final);
          const announced = new Set<number>();
          for (const t of published) {
            const runIndex = model.runOf.get(t.eventId)!;
            if (model.runs[runIndex]!.status === STATUS_OF_KIND[t.kind]) announced.add(runIndex);
          }
          for (const [i, r] of model.runs.entries())
            if (r.alerted) expect(announced.has(i), `run ${i} ${r.status}`).toBe(true);
        },
      ),
      { numRuns: 60, seed: 20261103 },
    );
  }, 180_000);
});
