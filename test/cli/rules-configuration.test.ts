import { cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli, spawnCli } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/fixtures.js';

type Json = Record<string, any>;

const POLICY = join(REPO_ROOT, 'policies');
const UNCONFIGURED = join(REPO_ROOT, 'policies', 'test.unconfigured.config.yaml');

describe('Command: tpguard rules validate (field paths) and the unconfigured lists', () => {
  let root: string;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir());
    // A pack of one rule, TPS-SM-01 with a typo in the member it reads, and its test events.
    const rule = await readFile(join(POLICY, 'sagemaker', 'TPS-SM-01.yaml'), 'utf8');
    await mkdir(join(root, 'policies', 'sagemaker'), { recursive: true });
    await writeFile(
      join(root, 'policies', 'sagemaker', 'TPS-SM-01.yaml'),
      rule.replace('req.?enableNetworkIsolation', 'req.?enableNetworkIsolaton'),
    );
    for (const f of ['sagemaker-create-training-job-compliant.json', 'sagemaker-create-training-job-open.json'])
      await cp(join(REPO_ROOT, 'events', 'cloudtrail', f), join(root, 'events', 'cloudtrail', f), { recursive: true });
  });

  afterAll(async () => {
    await cleanup();
  });

  it('refuses a rule reading a member its operation does not have, naming the nearest one (exit 2)', async () => {
    // Act
    const run = await spawnCli(['rules', 'validate'], { cwd: root });

    // Assess
    expect(run.stderr).toBe(
      'policies/sagemaker/TPS-SM-01.yaml: TPS-SM-01: violation: req.enableNetworkIsolaton: no member enableNetworkIsolaton in CreateTrainingJob input (did you mean enableNetworkIsolation?)\n',
    );
    expect(run.code).toBe(2);
  });

  it('proves the shipped pack, saying how many paths it checked', async () => {
    // Act
    const run = await runCli(['rules', 'validate', '--policy', POLICY]);

    // Assess
    expect(run.stderr).toBe('');
    expect(run.stdout).toMatch(
      /^policy pack [0-9a-f]{12}: \d+ rules valid; \d{3} field paths proven against the AWS models, \d+ against the configuration schema\n$/,
    );
    expect(run.code).toBe(0);
  });

  it('lists which rules wait for an approved list, and which are active', async () => {
    // Act
    const table = await runCli(['rules', 'list', '--policy', POLICY, '--config', UNCONFIGURED]);
    const json = await runCli(['rules', 'list', '--policy', POLICY, '--config', UNCONFIGURED, '--format', 'json']);

    // Assess
    expect(table.stdout).toMatch(/\nTPS-SM-01 +high +sagemaker +cloudtrail [^\n]+ +active +Training job runs without/);
    expect(table.stdout).toMatch(
      /\nTPS-SM-24 +medium +sagemaker +sagemaker [^\n]+ +needs approved\.dataLocations, approved\.executionRoles, approved\.images +Training job/,
    );
    expect(table.stdout).toMatch(/rules, \d+ not fully active for want of configuration \(STATUS\)\n$/);
    const sm24 = (JSON.parse(json.stdout) as Json[]).find((r) => r.id === 'TPS-SM-24');
    expect(sm24).toMatchObject({
      needs: ['approved.dataLocations', 'approved.executionRoles', 'approved.images'],
      notConfigured: ['approved.dataLocations', 'approved.executionRoles', 'approved.images'],
    });
  });

  it('says once per run which list is not configured, never a violation per job', async () => {
    // Act: the approved job and its state change, with nothing approved yet
    const run = await runCli([
      'scan',
      join(REPO_ROOT, 'events', 'statechange', 'sagemaker-training-job-state-change-compliant.json'),
      join(REPO_ROOT, 'events', 'cloudtrail', 'sagemaker-create-training-job-compliant.json'),
      '--policy',
      POLICY,
      '--config',
      UNCONFIGURED,
    ]);

    // Assess
    const notes = run.stdout.split('\n').filter((l) => l.startsWith('not configured: '));
    expect(notes).toContain(
      'not configured: approved.images is empty, so TPS-SM-06, TPS-SM-13, TPS-SM-18, TPS-SM-24 judge only what does not need it: set approved.images in tpguard.config.yaml',
    );
    expect(notes.filter((l) => l.includes('approved.images'))).toHaveLength(1);
    expect(run.stdout).toMatch(/: 0 violations, 0 rejected inputs\n/);
    expect(run.code).toBe(0);
  });
});
