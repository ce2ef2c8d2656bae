import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../shared/config/index.js';
import { intake } from '../../../shared/sources/index.js';
import type { Observation } from '../../../shared/sources/index.js';
import { createEvaluator, evaluate, type Evaluator } from '../../../shared/policy/index.js';
import { isSecretLike, REDACTED, redactSecrets } from '../../../shared/kernel/index.js';
import { loadPolicyPack } from '../../../shared/policy/index.js';
import { TEST_CONFIG_FILE } from '../../../shared/policy/index.js';
import { isRecord } from '../../../shared/kernel/index.js';
import { fuzzOptions } from '../support/fuzz-options.js';
import { expectNoPollution, expectValidFinding, prototypeSnapshot } from '../support/invariants.js';
import { applyMutations, mutationArb, type Mutation } from '../support/mutations.js';
import { leafEvents, ROOT } from '../support/seeds.js';

const SEED = 0x5eed_0e7a;

/** Mutations that keep the event's shape, so that the rule triggers still match. */
const innerMutation = mutationArb.filter((m): m is Exclude<Mutation, { kind: 'envelope' }> => m.kind !== 'envelope');

/** The part of an event the rule conditions read: `requestParameters`, else the detail, else the event. */
function conditionRoot(event: Record<string, unknown>): Record<string, unknown> {
  const detail = isRecord(event.detail) ? event.detail : event;
  if (isRecord(detail.requestParameters)) return detail.requestParameters;
  if (isRecord(detail.configurationItem)) return detail.configurationItem;
  return detail;
}

/** Mutates only below the condition root of a copy of `event`. */
function mutateConditions(event: unknown, mutations: Mutation[]): unknown {
  const copy = structuredClone(event);
  if (!isRecord(copy)) return copy;
  const root = conditionRoot(copy);
  const mutated = applyMutations(root, mutations) as Record<string, unknown>;
  for (const k of Object.keys(root)) delete root[k];
  for (const [k, v] of Object.entries(mutated))
    Object.defineProperty(root, k, { value: v, enumerable: true, writable: true, configurable: true });
  return copy;
}

/** Every string left in a redacted value, with the key it sits under (bounded depth). */
function* strings(value: unknown, key = '', depth = 0): Generator<[string, string]> {
  if (depth > 40) return;
  if (typeof value === 'string') yield [key, value];
  else if (Array.isArray(value)) for (const v of value.slice(0, 1000)) yield* strings(v, '', depth + 1);
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) yield* strings(v, k, depth + 1);
}

function stableJson(value: unknown): string | undefined {
  try {
    return JSON.stringify(value);
  } catch {
    return undefined; // nested deeper than JSON.stringify goes
  }
}

describe('Function: evaluate (fuzzed)', () => {
  let seeds: unknown[];
  let evaluator: Evaluator;
  let ruleIds: Set<string>;

  beforeAll(async () => {
    const pack = await loadPolicyPack(join(ROOT, 'policies'));
    // Every rule's own test events: mutated, they reach that rule's condition.
    const files = [...new Set(pack.rules.flatMap((r) => r.rule.tests.map((t) => resolve(pack.root, t.event))))];
    seeds = files.flatMap((f) => leafEvents(JSON.parse(readFileSync(f, 'utf8'))));
    evaluator = createEvaluator(pack, await loadConfig(join(pack.dir, TEST_CONFIG_FILE)));
    ruleIds = new Set(pack.rules.map((r) => r.rule.id));
  });

  it('judges every mutated rule test event without throwing, the same way twice, and leaves it untouched', () => {
    const property = fc.property(
      fc.nat(),
      fc.array(innerMutation, { minLength: 1, maxLength: 4 }),
      (seed, mutations) => {
        // Prepare
        const event = mutateConditions(seeds[seed % seeds.length], mutations);
        const observations = [...intake(event, 'fuzz')].flatMap((r) => (r.ok ? [r.observation] : []));
        const before = observations.map((o) => stableJson(o.detail));
        const protos = prototypeSnapshot();

        // Act
        const first = observations.map((o) => evaluate(evaluator, o));
        const second = observations.map((o) => evaluate(evaluator, o));

        // Assess
        expect(second).toEqual(first);
        for (const f of first.flat()) expectValidFinding(f, ruleIds);
        expect(observations.map((o) => stableJson(o.detail))).toEqual(before);
        expectNoPollution(protos);
      },
    );
    fc.assert(property, fuzzOptions(SEED, 300));
  });

  it('reaches the rules: most unmutated rule test events give a verdict other than cannot-evaluate', () => {
    // Prepare
    const observations: Observation[] = seeds.flatMap((s) =>
      [...intake(structuredClone(s), 'seed')].flatMap((r) => (r.ok ? [r.observation] : [])),
    );

    // Act
    const findings = observations.flatMap((o) => evaluate(evaluator, o));

    // Assess
    expect(findings.filter((f) => f.verdict === 'violation').length).toBeGreaterThan(0);
    expect(findings.filter((f) => f.verdict === 'pass').length).toBeGreaterThan(0);
  });

  it('leaves no secret-like string in anything redactSecrets returns', () => {
    const property = fc.property(
      fc.nat(),
      fc.array(innerMutation, { minLength: 0, maxLength: 4 }),
      (seed, mutations) => {
        // Prepare
        const event = mutateConditions(seeds[seed % seeds.length], mutations);

        // Act
        const redacted = redactSecrets(event);

        // Assess
        for (const [key, value] of strings(redacted)) {
          expect(value === REDACTED || !isSecretLike(key, value), `${key} still looks like a secret`).toBe(true);
        }
      },
    );
    fc.assert(property, fuzzOptions(SEED + 1, 300));
  });
});
