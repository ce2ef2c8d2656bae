import fc from 'fast-check';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/index.js';
import { intake } from '../../../shared/sources/index.js';
import { createEvaluator, evaluate, type Evaluator } from '../../../shared/policy/index.js';
import { loadPolicyPack } from '../../../shared/policy/index.js';
import { containerArb, wrap } from '../support/containers.js';
import { fuzzOptions } from '../support/fuzz-options.js';
import { expectNoPollution, expectValidFinding, expectWellFormed, prototypeSnapshot } from '../support/invariants.js';
import { applyMutations, isLeaf, mutationArb } from '../support/mutations.js';
import { loadLeafEvents, ROOT } from '../support/seeds.js';

/** Fixed seeds: a failure reproduces exactly (fast-check prints the seed and path). */
const SEED = 0x7e9a_2026;

describe('Function: intake (fuzzed)', () => {
  let leaves: unknown[];
  let evaluator: Evaluator;
  let ruleIds: Set<string>;

  beforeAll(async () => {
    leaves = loadLeafEvents();
    const pack = await loadPolicyPack(join(ROOT, 'policies'));
    evaluator = createEvaluator(pack, await loadConfig(join(ROOT, 'tpguard.config.yaml')));
    ruleIds = new Set(pack.rules.map((r) => r.rule.id));
  });

  it('reads every unmutated sample event as exactly one observation or rejection', () => {
    // Prepare
    const before = prototypeSnapshot();

    // Act
    const results = leaves.map((leaf, i) => [...intake(structuredClone(leaf), `seed:${i}`)]);

    // Assess
    expect(leaves.length).toBeGreaterThan(10);
    results.forEach((r, i) => {
      expect(r).toHaveLength(1);
      expectWellFormed(r[0], `seed:${i}`);
    });
    expect(results.filter((r) => r[0].ok).length).toBeGreaterThan(leaves.length / 2);
    expectNoPollution(before);
  });

  it('ends every mutated event, in every container, as an observation or a rejection with a reason', () => {
    const eventArb = fc.record({ seed: fc.nat(), mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }) });
    const property = fc.property(
      fc.array(eventArb, { minLength: 1, maxLength: 6 }),
      containerArb,
      (specs, container) => {
        // Prepare
        const events = specs.map((s) => applyMutations(leaves[s.seed % leaves.length], s.mutations));
        fc.pre(events.every(isLeaf));
        const { document, wheres } = wrap(
          container.shape === 'single' ? events.slice(0, 1) : events,
          container,
          'fuzz',
        );
        const before = prototypeSnapshot();

        // Act
        const results = [...intake(document, 'fuzz')];
        const findings = results.flatMap((r) => (r.ok ? evaluate(evaluator, r.observation) : []));

        // Assess
        expect(results.map((r) => (r.ok ? r.where : r.rejection.where)).sort()).toEqual([...wheres].sort());
        for (const r of results) expectWellFormed(r, 'fuzz');
        for (const f of findings) expectValidFinding(f, ruleIds);
        expectNoPollution(before);
      },
    );
    fc.assert(property, fuzzOptions(SEED, 400));
  });

  it('never lets a __proto__ or constructor key of any event reach Object.prototype', () => {
    const property = fc.property(
      fc.nat(),
      fc.array(fc.nat(), { minLength: 1, maxLength: 4 }),
      fc.constantFrom('__proto__', 'constructor', 'prototype'),
      (seed, picks, key) => {
        // Prepare
        const event = applyMutations(
          leaves[seed % leaves.length],
          picks.map((pick) => ({ kind: 'protoKey' as const, pick, key })),
        );
        const text = JSON.stringify(event);
        const before = prototypeSnapshot();

        // Act: the object as given, and the same event as JSON the handlers would parse
        const results = [...intake(event, 'obj'), ...intake(JSON.parse(text), 'json')];
        for (const r of results) if (r.ok) evaluate(evaluator, r.observation);

        // Assess
        expect(results).toHaveLength(2);
        expectNoPollution(before);
      },
    );
    fc.assert(property, fuzzOptions(SEED + 1, 300));
  });
});
