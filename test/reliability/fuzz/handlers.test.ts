import fc from 'fast-check';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { intake } from '../../../shared/sources/index.js';
import { allFixtureEvents } from '../../shared/ingest/ingest-fixture.js';
import { fuzzOptions } from '../support/fuzz-options.js';
import { expectNoPollution, prototypeSnapshot } from '../support/invariants.js';
import { applyMutations, isLeaf, mutationArb } from '../support/mutations.js';
import { loadLeafEvents } from '../support/seeds.js';
import { createWorld, eventBridge, loadFunctions, sns, type World } from '../support/world.js';

/**
 * Mutated events through the deployed ingest handlers, store and bus healthy: bad input is
 * acknowledged (recorded as rejected), never thrown, so it cannot loop through Lambda retries
 * into the dead-letter queue; every event is counted as evaluated or rejected.
 */
const SEED = 0x4a_2d1e_55;

describe('Function: ingest handlers (fuzzed)', () => {
  let w: World;
  let seeds: unknown[];

  beforeAll(async () => {
    w = await createWorld();
    seeds = [...allFixtureEvents(), ...loadLeafEvents()];
  });
  afterEach(() => {
    eventBridge.reset();
    sns.reset();
  });
  afterAll(async () => {
    await w.close();
    await (await loadFunctions()).close();
  });

  it('evaluates or rejects every mutated event and throws for none', async () => {
    const property = fc.asyncProperty(
      fc.nat(),
      fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
      async (seed, mutations) => {
        // Prepare
        const event = applyMutations(seeds[seed % seeds.length], mutations);
        fc.pre(isLeaf(event));
        const owed = [...intake(event, 'owed')].length; // intake does not change its input
        const before = prototypeSnapshot();

        // Act
        const summary = await w.handlers.cloudtrail.lambdaHandler(event, w.ingestDeps);

        // Assess
        expect(summary.events + summary.rejected).toBe(owed);
        expectNoPollution(before);
      },
    );
    await fc.assert(property, fuzzOptions(SEED, 60));
  });
});
