import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PutEventsRequestEntry } from '@aws-sdk/client-eventbridge';
import { allFixtureEvents } from '../shared/ingest/ingest-fixture.js';
import { fuzzOptions } from './support/fuzz-options.js';
import { expectNotifiedOnce } from './support/expect.js';
import {
  createWorld,
  deliverAll,
  eventBridge,
  loadFunctions,
  sns,
  stateOf,
  transitionEntries,
  transitionOfEntry,
} from './support/world.js';

/**
 * Convergence through the deployed handlers: whatever the order and however often EventBridge
 * delivers the events (at least once, in no particular order), the store ends in the same state
 * and every transition is notified exactly once per channel.
 */
const SEED = 0xc0_4e_e6;

/** Every index once, in a shuffled order, with duplicates inserted at random places. */
const deliveryOrder = (n: number) =>
  fc
    .tuple(
      fc.shuffledSubarray([...Array(n).keys()], { minLength: n, maxLength: n }),
      fc.array(fc.tuple(fc.nat(n - 1), fc.nat()), { maxLength: n }),
    )
    .map(([order, dups]) => {
      const out = [...order];
      for (const [i, at] of dups) out.splice(at % (out.length + 1), 0, i);
      return out;
    });

describe('Function: ingest and notify handlers (convergence)', () => {
  const events = allFixtureEvents();
  let baseline: ReturnType<typeof stateOf>;

  beforeAll(async () => {
    const w = await createWorld();
    for (const e of events) await w.ingest(e);
    baseline = stateOf(await w.records());
    await w.close();
  });
  afterEach(() => {
    eventBridge.reset();
    sns.reset();
  });
  afterAll(async () => (await loadFunctions()).close());

  it('ends in the same drift, publishes each transition once and notifies it once, whatever the order and duplicates', async () => {
    const property = fc.asyncProperty(
      deliveryOrder(events.length),
      fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      async (order, promptly, notifyDups) => {
        // Prepare
        const w = await createWorld();
        try {
          // Act: each ingest delivery; what it published reaches notify at once or later, some of it twice
          const ingestDlq: unknown[] = [];
          const later: PutEventsRequestEntry[] = [];
          const notifyDlq: unknown[] = [];
          for (const [step, i] of order.entries()) {
            const before = w.accepted.length;
            ingestDlq.push(...(await deliverAll([events[i]], (e) => w.ingest(e))));
            const fresh = w.accepted.slice(before);
            if (promptly[step % promptly.length]) notifyDlq.push(...(await deliverAll(fresh, (e) => w.notify(e))));
            else later.push(...fresh);
          }
          for (const n of notifyDups) if (w.accepted.length > 0) later.push(w.accepted[n % w.accepted.length]);
          notifyDlq.push(...(await deliverAll(later, (e) => w.notify(e))));

          // Assess
          expect(ingestDlq).toEqual([]);
          expect(notifyDlq).toEqual([]);
          expect(stateOf(await w.records())).toEqual(baseline);
          // Each transition is published once by the write that made it; placing a late observation may
          // announce again what an earlier placement announced (the notifier sends it once all the same).
          const originals = transitionEntries(w.accepted)
            .map(transitionOfEntry)
            .filter((t) => !t.republished && !t.late)
            .map((t) => t.key);
          expect(originals.length).toBe(new Set(originals).size);
          const announced = transitionEntries(w.accepted)
            .map(transitionOfEntry)
            .filter((x) => !x.republished)
            .map((x) => x.key);
          for (const t of transitionEntries(w.accepted)
            .map(transitionOfEntry)
            .filter((x) => x.republished))
            expect(announced).toContain(t.key);
          await expectNotifiedOnce(w);
        } finally {
          await w.close();
          eventBridge.reset();
          sns.reset();
        }
      },
    );
    await fc.assert(property, fuzzOptions(SEED, 8));
  });
});
