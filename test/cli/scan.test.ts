import { cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { progressReporter } from '../../cli/commands/scan.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { loadShape, SHAPES_DIR, tempDir, type Json } from '../helpers/fixtures.js';
import { writePack, writeText } from '../helpers/pack.js';
import { SCAN_CONFIG, SCAN_RULES } from '../helpers/sample-rules.js';

/** The violations the scan pack finds in events/shapes: (eventId, ruleId, resourceId). */
const SHAPE_VIOLATIONS = [
  ['7e6d5c4b-3a29-4f18-8e07-f6e5d4c3b201', 'TPS-IAM-01', 'SageMakerTrainingExecution'],
  ['1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e01', 'TPS-AUD-01', 'org-audit-trail'],
  ['1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e02', 'TPS-S3-01', 'ml-training-nlp-corpus'],
  ['a0b1c2d3-e4f5-4a6b-9c7d-8e9f0a1b2c3d', 'TPS-KMS-01', '1234abcd-12ab-34cd-56ef-1234567890ab'],
  ['4a5b6c7d-8e9f-40a1-b2c3-d4e5f6a7b802', 'TPS-AUD-01', 'ml-data-events-trail'],
  ['e1d2c3b4-a5f6-4e7d-8c9b-0a1f2e3d4c01', 'TPS-CFG-01', 'ml-training-vision-raw'],
  ['3c5e9a71-2b84-4d6f-9e13-7a0c5b8d2f46', 'TPS-S3-02', 'ml-training-vision-raw'],
  ['7c1e9a35-2b4d-4f6a-8c0e-1a3b5c7d9e01', 'TPS-GD-01', 'ml-training-vision-raw'],
];

const lines = (text: string) => text.split('\n').filter((l) => l.length > 0);

describe('Command: tpguard scan', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let opts: string[];

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir());
    const policy = await writePack(root, SCAN_RULES);
    await writeText(join(root, 'tpguard.config.yaml'), SCAN_CONFIG);
    opts = ['--policy', policy, '--config', join(root, 'tpguard.config.yaml')];
  });

  afterAll(async () => {
    await cleanup();
  });

  it('lists one ndjson line per violation across every input shape, and exits 1', async () => {
    // Act
    const { code, stdout, stderr } = await runCli(['scan', SHAPES_DIR, '--format', 'ndjson', ...opts]);

    // Assess
    const rows = lines(stdout).map((l) => JSON.parse(l) as Json);
    expect(code).toBe(1);
    expect(stderr).toBe('');
    expect(rows.map((r) => [r.eventId, r.ruleId, r.resourceId])).toEqual(SHAPE_VIOLATIONS);
    for (const r of rows) {
      expect(r).toMatchObject({
        severity: expect.stringMatching(/^(critical|high|medium|low|informational)$/),
        resourceType: expect.any(String),
        title: expect.any(String),
        verdict: 'violation',
        where: expect.stringContaining(SHAPES_DIR),
      });
    }
    expect(rows[2]).toMatchObject({
      eventId: '1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e02',
      ruleId: 'TPS-S3-01',
      severity: 'critical',
      resourceType: 's3-bucket',
      title: 'Pipeline bucket made public by its policy',
      account: '111122223333',
      region: 'eu-west-1',
      eventName: 'PutBucketPolicy',
      actor: 'arn:aws:sts::111122223333:assumed-role/PlatformAdmin/asmith',
      where: `${join(SHAPES_DIR, 'cloudtrail-log-file.json')}:1`,
    });
  });

  it('lists passes too with --all', async () => {
    // Act
    const { code, stdout } = await runCli(['scan', SHAPES_DIR, '--format', 'ndjson', '--all', ...opts]);

    // Assess
    const rows = lines(stdout).map((l) => JSON.parse(l) as Json);
    expect(code).toBe(1);
    expect(rows.filter((r) => r.verdict === 'violation')).toHaveLength(SHAPE_VIOLATIONS.length);
    expect(rows.filter((r) => r.verdict === 'pass').map((r) => [r.eventId, r.ruleId])).toEqual([
      ['3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a602', 'TPS-S3-02'],
      ['f0e1d2c3-b4a5-4968-8776-5a4b3c2d1e01', 'TPS-SM-20'],
    ]);
  });

  it('prints a table with a rule-by-rule summary by default', async () => {
    // Act
    const { code, stdout } = await runCli(['scan', SHAPES_DIR, ...opts]);

    // Assess
    expect(code).toBe(1);
    expect(stdout).toMatch(/^SEVERITY +RULE +VERDICT +RESOURCE +EVENT +TITLE\n/);
    expect(stdout).toContain('Out of policy, rule by rule:');
    expect(stdout).toMatch(
      /\ncritical +TPS-S3-01 +violation +s3-bucket\/ml-training-nlp-corpus +PutBucketPolicy +Pipeline bucket made public by its policy\n/,
    );
    expect(stdout).toMatch(
      /\nTPS-AUD-01 +critical +2 +org-audit-trail, ml-data-events-trail +CloudTrail logging stopped or trail deleted\n/,
    );
    expect(stdout.trimEnd().split('\n').at(-1)).toMatch(
      /^24 events evaluated against 8 rules \(pack [0-9a-f]{12}\): 8 violations, 0 rejected inputs$/,
    );
  });

  it('gives a JSON document with a summary, the results and the rejections', async () => {
    // Act
    const { code, stdout } = await runCli(['scan', SHAPES_DIR, '--format', 'json', ...opts]);

    // Assess
    const doc = JSON.parse(stdout) as Json;
    expect(code).toBe(1);
    expect(doc.summary).toEqual({
      packVersion: expect.stringMatching(/^[0-9a-f]{12}$/),
      rules: 8,
      events: 24,
      rejected: 0,
      violations: 8,
      notConfigured: [],
    });
    expect(doc.results).toHaveLength(8);
    expect(doc.rejected).toEqual([]);
  });

  it('exits 0 when nothing is out of policy', async () => {
    // Act
    const { code, stdout } = await runCli([
      'scan',
      join(SHAPES_DIR, 'sagemaker-training-job-state-change.json'),
      join(SHAPES_DIR, 'guardduty-malware-scan-result.json'),
      ...opts,
    ]);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(/^2 events evaluated against 8 rules .*: 0 violations, 0 rejected inputs\n$/);
  });

  it('scans everything, lists each rejected input on stderr as file[:record]: reason, and exits 2', async () => {
    // Prepare
    const dir = join(root, 'mixed');
    await writeText(join(dir, 'a-broken.json'), '{"Records": [');
    await writeText(join(dir, 'b-unsupported.json'), {
      version: '0',
      id: 'x',
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      detail: {},
    });
    await writeText(
      join(dir, 'c-mixed.ndjson'),
      `{"nope": 1}\n${JSON.stringify(loadShape('eventbridge-cloudtrail-s3-put-bucket-versioning-suspended.json'))}\n`,
    );
    await writeText(join(dir, 'notes.md'), '# not events\n');

    // Act
    const { code, stdout, stderr } = await runCli([
      'scan',
      dir,
      join(root, 'missing.json'),
      '--format',
      'ndjson',
      ...opts,
    ]);

    // Assess
    expect(code).toBe(2);
    expect(lines(stdout).map((l) => JSON.parse(l).ruleId)).toEqual(['TPS-S3-02']);
    expect(lines(stderr)).toEqual([
      `${join(dir, 'a-broken.json')}: invalid JSON: unexpected end of document (2 unclosed brackets)`,
      `${join(dir, 'b-unsupported.json')}: unsupported event: source aws.events, detail-type "Scheduled Event"`,
      `${join(dir, 'c-mixed.ndjson')}:0: unrecognized event shape (not an EventBridge event, CloudTrail record, GuardDuty finding or configuration item)`,
      `${join(dir, 'notes.md')}: skipped: not an event file (not JSON, NDJSON or gzip)`,
      `${join(root, 'missing.json')}: cannot read: ENOENT`,
    ]);
  });

  it('reads gzip files whatever their name', async () => {
    // Prepare
    const file = join(root, 'CloudTrail-export.json.gz');
    await writeFile(file, gzipSync(await readFile(join(SHAPES_DIR, 'cloudtrail-log-file.json'))));
    const renamed = join(root, 'trail-export');
    await cp(file, renamed);

    // Act
    const { code, stdout } = await runCli(['scan', file, renamed, '--format', 'ndjson', ...opts]);

    // Assess
    expect(code).toBe(1);
    expect(lines(stdout).map((l) => JSON.parse(l).where)).toEqual([
      `${file}:0`,
      `${file}:1`,
      `${renamed}:0`,
      `${renamed}:1`,
    ]);
  });

  it('refuses a wrong --format, a broken config and a broken pack with one line each and exit 2', async () => {
    // Prepare
    const badConfig = join(root, 'bad.config.yaml');
    await writeText(badConfig, 'approved:\n  kmsKey: []\n');
    const badPack = await writePack(join(root, 'badpack'), [{ ...SCAN_RULES[0]!, violation: 'req.bucketPolicy ==' }]);

    // Act
    const format = await runCli(['scan', SHAPES_DIR, '--format', 'xml', ...opts]);
    const config = await runCli(['scan', SHAPES_DIR, '--policy', opts[1]!, '--config', badConfig]);
    const pack = await runCli(['scan', SHAPES_DIR, '--policy', badPack, '--config', opts[3]!]);

    // Assess
    expect(format).toEqual({
      code: 2,
      stdout: '',
      stderr: 'tpguard: --format must be one of table, json, ndjson, csv, sarif, junit\n',
    });
    expect(config).toEqual({ code: 2, stdout: '', stderr: `${badConfig}: unknown key approved.kmsKey\n` });
    expect(pack.code).toBe(2);
    expect(pack.stdout).toBe('');
    expect(lines(pack.stderr)).toEqual([expect.stringMatching(/TPS-S3-01\.yaml: TPS-S3-01: violation: /)]);
  });

  it('needs at least one path', async () => {
    // Act
    const { code, stderr } = await runCli(['scan', ...opts]);

    // Assess
    expect(code).toBe(2);
    expect(stderr).toContain("missing required argument 'paths'");
  });
});

describe('Command: tpguard scan (separate process)', () => {
  let root: string;
  let cleanup: () => Promise<void>;
  let opts: string[];

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir());
    const policy = await writePack(root, SCAN_RULES);
    await writeText(join(root, 'tpguard.config.yaml'), SCAN_CONFIG);
    opts = ['--policy', policy, '--config', join(root, 'tpguard.config.yaml')];
  });

  afterAll(async () => {
    await cleanup();
  });

  it('reads NDJSON from stdin (-)', async () => {
    // Prepare
    const stdin = await readFile(join(SHAPES_DIR, 'cloudtrail-records.jsonl'));

    // Act
    const { code, stdout, stderr } = await spawnCli(['scan', '-', '--format', 'ndjson', ...opts], { stdin });

    // Assess
    expect(stderr).toBe('');
    expect(code).toBe(1);
    expect(
      lines(stdout)
        .map((l) => JSON.parse(l) as Json)
        .map((r) => [r.eventId, r.ruleId, r.where]),
    ).toEqual([['4a5b6c7d-8e9f-40a1-b2c3-d4e5f6a7b802', 'TPS-AUD-01', '<stdin>:1']]);
  });

  it('reads a single pretty-printed JSON document from stdin', async () => {
    // Prepare
    const stdin = await readFile(join(SHAPES_DIR, 'cloudtrail-log-file.json'));

    // Act
    const { code, stdout } = await spawnCli(['scan', '-', '--format', 'ndjson', ...opts], { stdin });

    // Assess
    expect(code).toBe(1);
    expect(lines(stdout).map((l) => JSON.parse(l).where)).toEqual(['<stdin>:0', '<stdin>:1']);
  });

  it('never prints a stack trace, whatever goes wrong', async () => {
    // Act
    const runs = await Promise.all([
      spawnCli(['scan', SHAPES_DIR, '--policy', join(root, 'no-such-pack')]),
      spawnCli(['scan', '-', ...opts], { stdin: '{"Records": [{"eventSource": 1}, 7, null' }),
      spawnCli(['scan', SHAPES_DIR, '--config', join(root, 'nope.yaml'), '--policy', opts[1]!]),
      spawnCli(['scan', '--no-such-option']),
    ]);

    // Assess
    expect(runs.map((r) => r.code)).toEqual([2, 2, 2, 2]);
    for (const { stdout, stderr } of runs) expect(`${stdout}${stderr}`).not.toMatch(/^\s+at |Error: .*\n\s+at /m);
    expect(runs[0]!.stderr).toBe(`${join(root, 'no-such-pack')}: cannot read policy folder: ENOENT\n`);
    expect(lines(runs[1]!.stderr)).toEqual([
      '<stdin>:0: unrecognized event shape (not an EventBridge event, CloudTrail record, GuardDuty finding or configuration item)',
      '<stdin>:1: expected a JSON object, got number',
      '<stdin>: invalid JSON: unexpected end of document (2 unclosed brackets)',
    ]);
  });

  it('lists the violations in the shipped sample events with the shipped pack and config', async () => {
    // Act
    const { code, stdout, stderr } = await spawnCli(['scan', 'events/', '--format', 'ndjson']);

    // Assess (notes such as a README in a folder are skipped, never rejected)
    expect(lines(stderr).filter((l) => !l.includes(': skipped: '))).toEqual([]);
    expect(code).toBe(1);
    const rows = lines(stdout).map((l) => JSON.parse(l) as Json);
    expect(rows.length).toBeGreaterThan(SHAPE_VIOLATIONS.length);
    expect(
      rows.every(
        (r) =>
          r.verdict === 'violation' && r.eventId && r.ruleId && r.severity && r.resourceType && r.resourceId && r.title,
      ),
    ).toBe(true);
  });
});

describe('Function: progressReporter', () => {
  it('shows progress only on a terminal, at most twice a second, and clears it at the end', () => {
    // Prepare
    const written: string[] = [];
    let now = 0;
    const tty = progressReporter({ isTTY: true, write: (t) => written.push(t) }, () => now);
    const pipe = progressReporter({ isTTY: false, write: (t) => written.push(`pipe ${t}`) }, () => now);

    // Act
    for (let i = 1; i <= 10; i++) {
      now += 200;
      tty.tick(i * 1000, 1);
      pipe.tick(i * 1000, 1);
    }
    tty.done();
    pipe.done();

    // Assess
    expect(written).toEqual([
      '\rscanning: 1 files, 4000 events',
      '\rscanning: 1 files, 7000 events',
      '\rscanning: 1 files, 10000 events',
      '\r\x1b[K',
    ]);
  });

  it('says nothing for a scan that ends quickly', () => {
    // Prepare
    const written: string[] = [];
    const tty = progressReporter({ isTTY: true, write: (t) => written.push(t) }, () => 1000);

    // Act
    tty.tick(5, 1);
    tty.done();

    // Assess
    expect(written).toEqual([]);
  });
});
