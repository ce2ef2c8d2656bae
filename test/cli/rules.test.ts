import { cp } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPolicyPack } from '../../shared/policy/index.js';
import { runCli } from '../helpers/cli.js';
import { loadShape, REPO_ROOT, tempDir, type Json } from '../helpers/fixtures.js';
import { writePack, type RuleSpec } from '../helpers/pack.js';

const suspended = loadShape<Json>('eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json');
const enabled = structuredClone(suspended);
enabled.detail.requestParameters.VersioningConfiguration.Status = 'Enabled';

const FILES = {
  'events/versioning-suspended.json': suspended,
  'events/versioning-enabled.json': enabled,
  'events/stop-logging.json': loadShape<Json>('cloudtrail-log-file.json').Records[0],
  'events/start-logging.jsonl': '',
  'policies/test.config.yaml': 'scope:\n  resources:\n    s3-bucket: ["ml-training-*"]\n    cloudtrail-trail: ["*"]\n',
};

const cases = (violating: string, passing: string) => [
  { name: 'violating case', event: violating, expect: 'violation' },
  { name: 'passing case', event: passing, expect: 'pass' },
];

const RULES: RuleSpec[] = [
  {
    id: 'TPS-S3-02',
    area: 's3',
    title: 'Versioning suspended on a pipeline bucket',
    severity: 'high',
    on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketVersioning'] },
    resource: { type: 's3-bucket' },
    violation: 'req.VersioningConfiguration.Status == "Suspended"',
    tests: cases('events/versioning-suspended.json', 'events/versioning-enabled.json'),
  },
  {
    id: 'TPS-AUD-01',
    area: 'audit',
    title: 'CloudTrail logging stopped',
    severity: 'critical',
    on: { source: 'cloudtrail', eventSource: 'cloudtrail.amazonaws.com', eventName: ['StopLogging'] },
    resource: { type: 'cloudtrail-trail' },
    violation: 'true',
    tests: cases('events/stop-logging.json', 'events/start-logging.jsonl'),
  },
  {
    id: 'TPS-GD-01',
    area: 'guardduty',
    title: 'GuardDuty exfiltration finding',
    severity: 'high',
    on: { source: 'guardduty', findingType: ['Exfiltration:S3/*'] },
    resource: { type: 's3-bucket' },
    violation: 'true',
    tests: cases('events/versioning-suspended.json', 'events/versioning-suspended.json'),
  },
];

describe('Command: tpguard rules', () => {
  let root: string;
  let policy: string;
  let version: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir());
    policy = await writePack(root, RULES, FILES);
    version = (await loadPolicyPack(policy)).version;
  });

  afterAll(async () => {
    await cleanup();
  });

  it('validates a pack', async () => {
    // Act
    const run = await runCli(['rules', 'validate', '--policy', policy]);

    // Assess
    expect(run).toEqual({
      code: 0,
      stdout: `policy pack ${version}: 3 rules valid; 1 field path proven against the AWS models, 0 against the configuration schema\n`,
      stderr: '',
    });
  });

  it('refuses a broken pack with one line per problem (file: rule id: message) and exit 2', async () => {
    // Prepare
    const broken = await writePack(
      join(root, 'broken'),
      [
        { ...RULES[0]!, violation: 'req.x ==' },
        { ...RULES[1]!, severity: 'urgent' },
        RULES[2]!,
        { ...RULES[2]!, area: 'zz' },
      ],
      FILES,
    );

    // Act
    const { code, stdout, stderr } = await runCli(['rules', 'validate', '--policy', broken]);

    // Assess
    expect(code).toBe(2);
    expect(stdout).toBe('');
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/audit\/TPS-AUD-01\.yaml: TPS-AUD-01: severity: /);
    expect(lines[1]).toMatch(/s3\/TPS-S3-02\.yaml: TPS-S3-02: violation: /);
    expect(lines[2]).toMatch(/zz\/TPS-GD-01\.yaml: TPS-GD-01: duplicate id \(also in .*guardduty\/TPS-GD-01\.yaml\)$/);
  });

  it('lists the rules as a table with the pack version (a content hash)', async () => {
    // Act
    const { code, stdout } = await runCli(['rules', 'list', '--policy', policy]);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ID +SEVERITY +AREA +TRIGGER +STATUS +TITLE\n/);
    expect(stdout).toMatch(
      /\nTPS-AUD-01 +critical +audit +cloudtrail cloudtrail\.amazonaws\.com StopLogging +active +CloudTrail logging stopped\n/,
    );
    expect(stdout).toMatch(
      /\nTPS-GD-01 +high +guardduty +guardduty Exfiltration:S3\/\* +active +GuardDuty exfiltration finding\n/,
    );
    expect(stdout.trimEnd().split('\n').at(-1)).toBe(`policy pack ${version}: 3 rules`);
  });

  it('lists the rules as JSON', async () => {
    // Act
    const { code, stdout } = await runCli(['rules', 'list', '--format', 'json', '--policy', policy]);

    // Assess
    const rules = JSON.parse(stdout) as Json[];
    expect(code).toBe(0);
    expect(rules.map((r) => r.id)).toEqual(['TPS-AUD-01', 'TPS-GD-01', 'TPS-S3-02']);
    expect(rules[2]).toMatchObject({
      id: 'TPS-S3-02',
      severity: 'high',
      area: 's3',
      resourceType: 's3-bucket',
      triggerText: 'cloudtrail s3.amazonaws.com PutBucketVersioning',
      controls: { aicm: ['MDS-01'] },
      tests: 2,
    });
  });

  it('refuses an unknown list format', async () => {
    // Act
    const run = await runCli(['rules', 'list', '--format', 'yaml', '--policy', policy]);

    // Assess
    expect(run).toEqual({ code: 2, stdout: '', stderr: 'tpguard: --format must be table or json\n' });
  });

  it("runs every rule's cases and prints each failure with the rule, the case and the observed verdict", async () => {
    // Act
    const { code, stdout } = await runCli(['rules', 'test', '--policy', policy]);

    // Assess
    expect(code).toBe(1);
    expect(stdout.trimEnd().split('\n')).toEqual([
      `FAIL TPS-AUD-01 "passing case" (events/start-logging.jsonl): expected pass, observed not-applicable [rejected ${join(policy, '..', 'events', 'start-logging.jsonl')}: empty file: no event in it]`,
      'FAIL TPS-GD-01 "violating case" (events/versioning-suspended.json): expected violation, observed not-applicable',
      'FAIL TPS-GD-01 "passing case" (events/versioning-suspended.json): expected pass, observed not-applicable',
      `3 passed, 3 failed (3 rules, pack ${version})`,
    ]);
  });

  it('runs the cases of one rule, and refuses a rule that is not in the pack', async () => {
    // Act
    const one = await runCli(['rules', 'test', '--rule', 'TPS-S3-02', '--policy', policy]);
    const none = await runCli(['rules', 'test', '--rule', 'TPS-XX-99', '--policy', policy]);

    // Assess
    expect(one).toEqual({ code: 0, stdout: `2 passed, 0 failed (1 rules, pack ${version})\n`, stderr: '' });
    expect(none).toEqual({ code: 2, stdout: '', stderr: 'tpguard: no rule TPS-XX-99 in the pack\n' });
  });

  it('prints the EventBridge patterns generated from the pack', async () => {
    // Act
    const { code, stdout } = await runCli(['rules', 'patterns', '--policy', policy]);

    // Assess
    const doc = JSON.parse(stdout) as Json;
    expect(code).toBe(0);
    expect(doc.packVersion).toBe(version);
    expect(doc.patterns.map((p: Json) => p.name)).toEqual([
      'CloudTrailCloudtrail',
      'CloudTrailS3',
      'CloudTrailSagemaker',
      'GuardDutyFinding',
    ]);
    // With the tagging calls, which carry the tags scope.tags needs (CloudTrail gives none otherwise).
    expect(doc.patterns[1].pattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: {
        eventSource: ['s3.amazonaws.com'],
        eventName: ['DeleteBucketTagging', 'PutBucketTagging', 'PutBucketVersioning'],
      },
    });
  });
});

describe('A policy pack copied elsewhere (--policy DIR)', () => {
  let copy: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    let dir: string;
    ({ dir, cleanup } = await tempDir('tpguard-copied-pack-'));
    copy = join(dir, 'packs', 'mds-01', 'policies');
    await cp(join(REPO_ROOT, 'policies'), copy, { recursive: true });
  });
  afterAll(async () => cleanup());

  it('scans and validates without the rule test fixtures', async () => {
    // Act
    const scan = await runCli(['scan', join(REPO_ROOT, 'events', 'story'), '--policy', copy, '--format', 'json']);
    const validate = await runCli(['rules', 'validate', '--policy', copy]);

    // Assess
    expect(scan.code).toBe(1);
    expect(scan.stderr).not.toMatch(/not found|policies/);
    expect(JSON.parse(scan.stdout).summary.violations).toBeGreaterThan(0);
    expect(validate).toMatchObject({ code: 0, stderr: '' });
  });

  it('rules test says in one line that the fixtures are missing, and runs with --fixtures', async () => {
    // Act
    const missing = await runCli(['rules', 'test', '--policy', copy]);
    const found = await runCli(['rules', 'test', '--policy', copy, '--fixtures', REPO_ROOT, '--rule', 'TPS-S3-04']);

    // Assess
    expect(missing.code).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.split('\n')).toEqual([
      expect.stringMatching(
        /^tpguard: \d+ files the rule tests name are not under .*packs\/mds-01 \(first: events\/.*\): copy them there beside the pack, or pass --fixtures DIR$/,
      ),
      '',
    ]);
    expect(found.code).toBe(0);
    expect(found.stdout).toMatch(/^\d+ passed, 0 failed \(1 rules, pack [0-9a-f]{12}\)\n$/);
  });
});
