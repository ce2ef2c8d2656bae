import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tpguardCommand } from '../../cli/invocation.js';
import { loadConfig } from '../../shared/config/index.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/fixtures.js';

/** The demo's bucket suspends versioning: in scope of the starter (ml-training-*), out of scope without a config. */
const SUSPEND = join(REPO_ROOT, 'events/story/0805-jdoe-suspends-versioning-vision-images.json');

let dir: string;
let cleanup: () => Promise<void>;
const home = process.cwd();
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-init-'));
  process.chdir(dir);
});
afterEach(async () => {
  process.chdir(home);
  await cleanup();
});

describe('Command: tpguard init', () => {
  it('writes a commented starter that loads, validates, and puts the pipeline bucket in scope', async () => {
    // Act
    const init = await runCli(['init']);
    const validate = await runCli(['config', 'validate']);
    const scan = await runCli(['scan', SUSPEND, '--format', 'ndjson']);

    // Assess
    expect(init.code).toBe(0);
    expect(init.stdout).toMatch(/^wrote tpguard\.config\.yaml: /);
    const text = await readFile(join(dir, 'tpguard.config.yaml'), 'utf8');
    expect(text.split('\n').filter((l) => l.trimStart().startsWith('#')).length).toBeGreaterThan(20);
    const config = await loadConfig(join(dir, 'tpguard.config.yaml'));
    expect(config.scope.resources['s3-bucket']).toEqual(['ml-training-*', 'ml-artifacts-*']);
    expect(Object.keys(config.owners.teams)).toEqual(['vision']);
    expect(validate).toMatchObject({ code: 0, stderr: '' });
    expect(validate.stdout).toMatch(
      /^tpguard\.config\.yaml: valid; in scope: s3-bucket, ecr-repository, iam-role, kms-key/,
    );
    expect(scan.code).toBe(1);
    // What the starter leaves for the user to fill in is said once: the organization id.
    expect(scan.stderr).toMatch(/^not configured: approved\.organizations is empty, .*\n$/);
    expect(JSON.parse(scan.stdout)).toMatchObject({ ruleId: 'TPS-S3-04', resourceId: 'ml-training-vision-images' });
  });

  it('keeps an existing file unless --force, in one line', async () => {
    // Prepare
    await writeFile(join(dir, 'tpguard.config.yaml'), 'scope: {}\n');

    // Act
    const again = await runCli(['init']);
    const kept = await readFile(join(dir, 'tpguard.config.yaml'), 'utf8');
    const forced = await runCli(['init', '--force']);

    // Assess
    expect(again).toMatchObject({ code: 2, stdout: '' });
    expect(again.stderr).toBe('tpguard: tpguard.config.yaml exists: kept as it is (--force replaces it)\n');
    expect(kept).toBe('scope: {}\n');
    expect(forced.code).toBe(0);
    expect(await readFile(join(dir, 'tpguard.config.yaml'), 'utf8')).toMatch(/^# tpguard\.config\.yaml/);
  });
});

describe('Command: tpguard config validate', () => {
  it('lists every problem, one line each with the file, and exits 2', async () => {
    // Prepare
    await writeFile(
      join(dir, 'bad.yaml'),
      'scope:\n  resources:\n    s3-bucket: "ml-*"\n  foo: 1\napproved:\n  accounts: ["12"]\n',
    );
    await writeFile(join(dir, 'teams.yaml'), 'owners:\n  resources: [{ match: "x-*", team: nobody }]\n');

    // Act
    const bad = await runCli(['config', 'validate', 'bad.yaml']);
    const teams = await runCli(['config', 'validate', 'teams.yaml']);

    // Assess
    expect(bad).toMatchObject({ code: 2, stdout: '' });
    expect(bad.stderr).toBe(
      [
        'bad.yaml: scope.resources.s3-bucket: Invalid input: expected array, received string',
        'bad.yaml: unknown key scope.foo',
        'bad.yaml: approved.accounts.0: an account id is 12 digits',
        '',
      ].join('\n'),
    );
    expect(teams).toMatchObject({ code: 2, stdout: '' });
    expect(teams.stderr).toBe(
      'teams.yaml: owners.resources.0.team: no team "nobody" in owners.teams (its drift would go to owners.default)\n',
    );
  });

  it('says what to do where there is no configuration', async () => {
    const { code, stderr } = await runCli(['config', 'validate']);
    expect(code).toBe(2);
    expect(stderr).toBe(
      `tpguard: no tpguard.config.yaml in this folder (name a file, or write a starter with ${tpguardCommand()} init)\n`,
    );
  });
});

describe('Command: tpguard scan without a configuration', () => {
  it('says once on stderr that only the always-in-scope jobs are evaluated, and how to fix it', async () => {
    // Act
    const bare = await spawnCli(['scan', SUSPEND, SUSPEND], { cwd: dir });
    const named = await spawnCli(['scan', SUSPEND, '--config', join(REPO_ROOT, 'tpguard.config.yaml')], { cwd: dir });

    // Assess
    expect(bare.code).toBe(0);
    expect(bare.stderr).toBe(
      `tpguard: no tpguard.config.yaml: nothing is in scope but the always-in-scope SageMaker/Bedrock jobs; pass --config or run ${tpguardCommand()} init\n`,
    );
    expect(bare.stdout).toMatch(/2 events evaluated against \d+ rules .*: 0 violations/);
    expect(named.code).toBe(1);
    expect(named.stderr).toBe('');
  });
});
