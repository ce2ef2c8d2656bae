import { readFile, rename, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatProblem, PolicyPackError } from '../../../shared/policy/errors.js';
import { loadPolicyPack } from '../../../shared/policy/load.js';
import { tempDir } from '../../helpers/fixtures.js';
import { ruleYaml, writePack, writeText, type RuleSpec } from '../../helpers/pack.js';

const VERSIONING: RuleSpec = {
  id: 'TPS-S3-02',
  area: 's3',
  title: 'Versioning suspended on a pipeline bucket',
  severity: 'high',
  on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketVersioning'] },
  resource: { type: 's3-bucket' },
  violation: 'req.?VersioningConfiguration.?Status.orValue("") == "Suspended"',
  resolve: 'req.?VersioningConfiguration.?Status.orValue("") == "Enabled"',
};
const STOP_LOGGING: RuleSpec = {
  id: 'TPS-AUD-01',
  area: 'audit',
  on: { source: 'cloudtrail', eventSource: 'cloudtrail.amazonaws.com', eventName: ['StopLogging', 'DeleteTrail'] },
  resource: { type: 'cloudtrail-trail' },
  violation: 'true',
};

/** Loads a pack expected to be refused and returns its problem lines. */
async function problemLines(dir: string): Promise<string[]> {
  try {
    await loadPolicyPack(dir);
  } catch (err) {
    expect(err).toBeInstanceOf(PolicyPackError);
    return (err as PolicyPackError).problems.map(formatProblem);
  }
  throw new Error('the pack loaded');
}

describe('Function: loadPolicyPack', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  const rel = (...parts: string[]) => relative(process.cwd(), join(root, 'policies', ...parts));

  beforeEach(async () => {
    ({ dir: root, cleanup } = await tempDir());
  });

  afterEach(async () => {
    await cleanup();
  });

  it('loads, validates and compiles every rule of every area', async () => {
    // Prepare
    const dir = await writePack(root, [VERSIONING, STOP_LOGGING]);

    // Act
    const pack = await loadPolicyPack(dir);

    // Assess
    expect(pack.rules.map((r) => [r.rule.id, r.area, r.file])).toEqual([
      ['TPS-AUD-01', 'audit', rel('audit', 'TPS-AUD-01.yaml')],
      ['TPS-S3-02', 's3', rel('s3', 'TPS-S3-02.yaml')],
    ]);
    expect(pack.version).toMatch(/^[0-9a-f]{12}$/);
    expect(pack.root).toBe(root);
    expect(typeof pack.rules[1]?.resolve).toBe('function');
    expect(pack.rules[1]?.rule.on).toEqual({
      source: 'cloudtrail',
      eventSource: 's3.amazonaws.com',
      eventName: ['PutBucketVersioning'],
      includeFailed: false,
    });
  });

  it('versions the pack by content: stable when nothing changes, new when a rule file changes', async () => {
    // Prepare
    const dir = await writePack(root, [VERSIONING, STOP_LOGGING]);
    const first = (await loadPolicyPack(dir)).version;
    const again = (await loadPolicyPack(dir)).version;
    const file = join(dir, 's3', 'TPS-S3-02.yaml');

    // Act
    await writeFile(file, (await readFile(file, 'utf8')).replace('severity: high', 'severity: critical'));
    const changed = (await loadPolicyPack(dir)).version;
    await writeText(join(dir, 'README.txt'), 'not a rule file');
    const withReadme = (await loadPolicyPack(dir)).version;

    // Assess
    expect(again).toBe(first);
    expect(changed).not.toBe(first);
    expect(withReadme).toBe(changed);
  });

  it('refuses unparsable YAML with its line', async () => {
    // Prepare
    const dir = await writePack(root, [STOP_LOGGING]);
    await writeText(join(dir, 'audit', 'TPS-AUD-02.yaml'), 'id: TPS-AUD-02\ntitle: "unterminated\nseverity: high\n');

    // Act
    const lines = await problemLines(dir);

    // Assess
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^${rel('audit', 'TPS-AUD-02.yaml')}: line \\d+: `))]);
  });

  it('refuses a schema error, naming the rule and the key path', async () => {
    // Prepare
    const dir = await writePack(root, [
      { ...STOP_LOGGING, severity: 'urgent' },
      { ...VERSIONING, on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: [] } },
    ]);

    // Act
    const lines = await problemLines(dir);

    // Assess
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${rel('audit', 'TPS-AUD-01.yaml')}: TPS-AUD-01: severity: `)),
      expect.stringMatching(new RegExp(`^${rel('s3', 'TPS-S3-02.yaml')}: TPS-S3-02: on\\.eventName: `)),
    ]);
  });

  it('refuses an unknown key, naming it', async () => {
    // Prepare
    const dir = await writePack(root, [STOP_LOGGING]);
    const file = join(dir, 'audit', 'TPS-AUD-01.yaml');
    await writeFile(
      file,
      (await readFile(file, 'utf8')).replace(
        'resource:\n  type: cloudtrail-trail',
        'resource:\n  type: cloudtrail-trail\n  arn: x',
      ),
    );

    // Act
    const lines = await problemLines(dir);

    // Assess
    expect(lines).toEqual([`${rel('audit', 'TPS-AUD-01.yaml')}: TPS-AUD-01: unknown key resource.arn`]);
  });

  it('refuses CEL that does not compile, or is not a bool', async () => {
    // Prepare
    const dir = await writePack(root, [
      { ...STOP_LOGGING, violation: 'req.name ==' },
      { ...VERSIONING, violation: 'noSuchFunction(req)', resolve: '"a string"' },
    ]);

    // Act
    const lines = await problemLines(dir);

    // Assess
    expect(lines).toEqual([
      expect.stringMatching(new RegExp(`^${rel('audit', 'TPS-AUD-01.yaml')}: TPS-AUD-01: violation: .+`)),
      expect.stringMatching(new RegExp(`^${rel('s3', 'TPS-S3-02.yaml')}: TPS-S3-02: violation: .*noSuchFunction`)),
      `${rel('s3', 'TPS-S3-02.yaml')}: TPS-S3-02: resolve: must be a bool expression, is string`,
    ]);
  });

  it('refuses duplicate ids', async () => {
    // Prepare
    const dir = await writePack(root, [STOP_LOGGING, { ...STOP_LOGGING, area: 'zz' }]);

    // Act
    const lines = await problemLines(dir);

    // Assess
    expect(lines).toEqual([
      `${rel('zz', 'TPS-AUD-01.yaml')}: TPS-AUD-01: duplicate id (also in ${rel('audit', 'TPS-AUD-01.yaml')})`,
    ]);
  });

  it('loads a pack whose test files are missing (only rules test needs them), and refuses it when asked to check', async () => {
    // Prepare
    const tests = [
      { name: 'stopped trail fires', event: 'events/cloudtrail/stop-logging.json', expect: 'violation' },
      { name: 'passes', event: 'events/placeholder.json', expect: 'pass' },
    ];
    const dir = await writePack(root, [{ ...STOP_LOGGING, tests }]);

    // Act
    const pack = await loadPolicyPack(dir);
    let lines: string[] = [];
    try {
      await loadPolicyPack(dir, { checkTestFiles: true });
    } catch (err) {
      lines = (err as PolicyPackError).problems.map(formatProblem);
    }

    // Assess
    expect(pack.rules).toHaveLength(1);
    expect(lines).toEqual([
      `${rel('audit', 'TPS-AUD-01.yaml')}: TPS-AUD-01: test "stopped trail fires": file not found: events/cloudtrail/stop-logging.json`,
    ]);
  });

  it('refuses keys out of order and a file name that does not match the id', async () => {
    // Prepare
    const dir = await writePack(root, [STOP_LOGGING]);
    const text = ruleYaml(VERSIONING);
    const reordered = `${text.replace(/^severity: high\n/m, '')}severity: high\n`;
    await writeText(join(dir, 's3', 'versioning.yaml'), reordered);

    // Act
    const lines = await problemLines(dir);

    // Assess
    expect(lines).toEqual([
      `${rel('s3', 'versioning.yaml')}: TPS-S3-02: key "severity" must come before "tests" (order: id, title, severity, on, resource, description, runbook, references, controls, threats, violation, resolve, reconciles, tests)`,
      `${rel('s3', 'versioning.yaml')}: TPS-S3-02: file name must be TPS-S3-02.yaml`,
    ]);
  });

  it('refuses a rule without both a violating and a passing case, a catch-all GuardDuty trigger, and one that can never match', async () => {
    // Prepare
    const onlyViolations = [
      { name: 'a', event: 'events/placeholder.json', expect: 'violation' },
      { name: 'b', event: 'events/placeholder.json', expect: 'violation' },
    ];
    const dir = await writePack(root, [
      { ...STOP_LOGGING, tests: onlyViolations },
      {
        id: 'TPS-GD-01',
        area: 'guardduty',
        on: { source: 'guardduty' },
        resource: { type: 's3-bucket' },
        violation: 'true',
      },
      {
        id: 'TPS-GD-02',
        area: 'guardduty',
        on: {
          source: 'guardduty',
          detailType: 'GuardDuty Malware Protection Object Scan Result',
          findingType: ['Object:S3/MaliciousFile'],
        },
        resource: { type: 's3-bucket' },
        violation: 'true',
      },
    ]);

    // Act
    const lines = await problemLines(dir);

    // Assess
    expect(lines).toEqual([
      `${rel('audit', 'TPS-AUD-01.yaml')}: TPS-AUD-01: tests need at least one "violation" and one "pass" case`,
      `${rel('guardduty', 'TPS-GD-01.yaml')}: TPS-GD-01: on.findingType is required for "GuardDuty Finding" (no catch-all triggers)`,
      `${rel('guardduty', 'TPS-GD-02.yaml')}: TPS-GD-02: on.findingType only applies to "GuardDuty Finding", not "GuardDuty Malware Protection Object Scan Result"`,
    ]);
  });

  it('reports every problem of the pack, one line each, and loads none of it', async () => {
    // Prepare
    const dir = await writePack(root, [
      { ...STOP_LOGGING, violation: '(' },
      { ...VERSIONING, severity: 'urgent' },
    ]);
    await writeText(join(dir, 'kms', 'TPS-KMS-01.yaml'), ': :\n  - [');

    // Act
    const error = await loadPolicyPack(dir).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(PolicyPackError);
    const lines = (error as PolicyPackError).message.split('\n');
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(line).toMatch(/^\S+\.yaml: (TPS-[A-Z0-9]+-\d+: )?\S.*$/);
  });

  it('refuses a folder without rules, or that does not exist', async () => {
    // Prepare
    await writeText(join(root, 'empty', 'README.md'), '# nothing');

    // Act
    const empty = await problemLines(join(root, 'empty'));
    const missing = await problemLines(join(root, 'nope'));

    // Assess
    expect(empty).toEqual([`${join(root, 'empty')}: no rule files (policies/<area>/<id>.yaml)`]);
    expect(missing).toEqual([`${join(root, 'nope')}: cannot read policy folder: ENOENT`]);
  });

  it('hashes the path too: moving a rule to another area is a new version', async () => {
    // Prepare
    const dir = await writePack(root, [STOP_LOGGING]);
    const before = (await loadPolicyPack(dir)).version;

    // Act
    await rename(join(dir, 'audit'), join(dir, 'trail'));
    const after = await loadPolicyPack(dir);

    // Assess
    expect(after.version).not.toBe(before);
    expect(after.rules[0]?.area).toBe('trail');
  });
});
