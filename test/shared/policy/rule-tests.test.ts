import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { RuleFixturesMissingError } from '../../../shared/policy/errors.js';
import { loadPolicyPack } from '../../../shared/policy/load.js';
import { runRuleTests } from '../../../shared/policy/rule-tests.js';
import { loadShape, tempDir, type Json } from '../../helpers/fixtures.js';
import { writePack, type RuleSpec } from '../../helpers/pack.js';

const suspended = loadShape<Json>('eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json');
const enabled = structuredClone(suspended);
enabled.detail.requestParameters.VersioningConfiguration.Status = 'Enabled';

const FILES = {
  'events/s3/versioning-suspended.json': suspended,
  'events/s3/versioning-enabled.json': enabled,
  'events/s3/not-json.json': '{ nope',
  'policies/test.config.yaml': 'scope:\n  resources:\n    s3-bucket: ["ml-training-*"]\n',
  'configs/nothing-in-scope.yaml': 'scope: {}\n',
};

const VERSIONING: RuleSpec = {
  id: 'TPS-S3-02',
  area: 's3',
  on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketVersioning'] },
  resource: { type: 's3-bucket' },
  violation: 'req.VersioningConfiguration.Status == "Suspended"',
  tests: [
    { name: 'suspended is a violation', event: 'events/s3/versioning-suspended.json', expect: 'violation' },
    { name: 'enabled passes', event: 'events/s3/versioning-enabled.json', expect: 'pass' },
    {
      name: 'out of scope is not applicable',
      event: 'events/s3/versioning-suspended.json',
      expect: 'not-applicable',
      config: 'configs/nothing-in-scope.yaml',
    },
  ],
};

describe('Function: runRuleTests', () => {
  let root: string;
  let cleanup: () => Promise<void>;

  beforeEach(async () => {
    ({ dir: root, cleanup } = await tempDir());
  });

  afterEach(async () => {
    await cleanup();
  });

  it("runs every rule's own cases with the pack's test config, or the case's own", async () => {
    // Prepare
    const pack = await loadPolicyPack(await writePack(root, [VERSIONING], FILES));

    // Act
    const results = await runRuleTests(pack);

    // Assess
    expect(results.map((r) => [r.name, r.expected, r.observed, r.passed])).toEqual([
      ['suspended is a violation', 'violation', 'violation', true],
      ['enabled passes', 'pass', 'pass', true],
      ['out of scope is not applicable', 'not-applicable', 'not-applicable', true],
    ]);
  });

  it('reports a failing case with the rule, the case, the observed verdict and what it saw', async () => {
    // Prepare
    const wrong: RuleSpec = {
      ...VERSIONING,
      id: 'TPS-S3-03',
      violation: 'req.VersioningConfiguration.Statuss == "Suspended"',
      tests: [
        { name: 'suspended is a violation', event: 'events/s3/versioning-suspended.json', expect: 'violation' },
        { name: 'garbage passes', event: 'events/s3/not-json.json', expect: 'pass' },
      ],
    };
    const pack = await loadPolicyPack(await writePack(root, [wrong], FILES));

    // Act
    const results = await runRuleTests(pack);

    // Assess
    expect(results).toEqual([
      expect.objectContaining({
        ruleId: 'TPS-S3-03',
        name: 'suspended is a violation',
        expected: 'violation',
        observed: 'cannot-evaluate',
        passed: false,
        note: expect.stringMatching(/^violation: .*Statuss/),
      }),
      expect.objectContaining({
        ruleId: 'TPS-S3-03',
        name: 'garbage passes',
        expected: 'pass',
        observed: 'not-applicable',
        passed: false,
        note: expect.stringMatching(/^rejected .*not-json\.json: invalid JSON/),
      }),
    ]);
  });

  it('runs only the rules asked for', async () => {
    // Prepare
    const pack = await loadPolicyPack(await writePack(root, [VERSIONING, { ...VERSIONING, id: 'TPS-S3-04' }], FILES));

    // Act
    const results = await runRuleTests(pack, (id) => id === 'TPS-S3-04');

    // Assess
    expect(new Set(results.map((r) => r.ruleId))).toEqual(new Set(['TPS-S3-04']));
  });
  it('works on a pack copied elsewhere: it loads without its fixtures, and the cases resolve against --fixtures', async () => {
    // Prepare
    const original = await writePack(root, [VERSIONING], FILES);
    const copy = join(root, 'elsewhere', 'pack', 'policies');
    await cp(original, copy, { recursive: true });

    // Act
    const pack = await loadPolicyPack(copy);
    const refused = await runRuleTests(pack).catch((e: unknown) => e);
    const results = await runRuleTests(pack, undefined, { fixtures: root });

    // Assess
    expect(pack.rules.map((r) => r.rule.id)).toEqual(['TPS-S3-02']);
    expect(refused).toBeInstanceOf(RuleFixturesMissingError);
    expect((refused as RuleFixturesMissingError).toLines()).toEqual([
      `tpguard: 3 files the rule tests name are not under ${join(root, 'elsewhere', 'pack')} (first: events/s3/versioning-suspended.json): copy them there beside the pack, or pass --fixtures DIR`,
    ]);
    expect((refused as RuleFixturesMissingError).missing).toEqual([
      'events/s3/versioning-suspended.json',
      'events/s3/versioning-enabled.json',
      'configs/nothing-in-scope.yaml',
    ]);
    expect(results.map((r) => r.passed)).toEqual([true, true, true]);
  });
});
