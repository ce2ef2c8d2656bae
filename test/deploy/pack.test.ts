import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyProject, run, type Run } from './support/package-run.js';
import { PROJECT_ROOT } from './support/package-run.js';

/**
 * The CLI as published: `npm pack` in a copy of the project (its `prepare` builds dist/), then
 * `npm install -g` of the tarball into an empty prefix, as a user would. The runtime dependencies
 * come from npm's cache (`--prefer-offline`: `npm ci` put them there), so no network is needed
 * when the cache holds them.
 */
let work: string;
let prefix: string;
let packed: Run;
let installed: Run;
let files: string[] = [];
const tpguard = () => join(prefix, 'bin', 'tpguard');

beforeAll(() => {
  work = copyProject();
  cpSync(join(PROJECT_ROOT, 'README.md'), join(work, 'README.md'));
  rmSync(join(work, 'dist'), { recursive: true, force: true });
  packed = run('npm', ['pack', '--pack-destination', work], work, process.env);
  const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (!tarball) return;
  const list = run('tar', ['tzf', join(work, tarball)], work, process.env);
  files = list.output
    .trim()
    .split('\n')
    .map((f) => f.replace(/^package\//, ''));
  prefix = mkdtempSync(join(tmpdir(), 'tpguard-global-'));
  installed = run(
    'npm',
    ['install', '-g', '--prefix', prefix, join(work, tarball), '--prefer-offline', '--no-audit', '--no-fund'],
    prefix,
    process.env,
  );
}, 300_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
  if (prefix) rmSync(prefix, { recursive: true, force: true });
});

describe('npm pack / npm install -g', () => {
  it('packs the built CLI, the pack, the samples and a starter config, and no sources or dev tooling', () => {
    // Assess
    expect(packed.status, packed.output).toBe(0);
    expect(files).toContain('dist/main.js');
    expect(files).toContain('dist/scan-worker.js');
    expect(files).toContain('dist/pack.snapshot.json');
    expect(files).toContain('bin/tpguard.mjs');
    expect(files).toContain('tpguard.config.yaml');
    expect(files).toContain('policies/s3/TPS-S3-01.yaml');
    const outside = files.filter(
      (f) =>
        !/^(dist|policies|events)\//.test(f) &&
        !['package.json', 'README.md', 'tpguard.config.yaml', 'bin/tpguard.mjs'].includes(f),
    );
    expect(outside).toEqual([]);
    expect(files.filter((f) => f.endsWith('.ts'))).toEqual([]);
  });

  it('installs a tpguard that runs from an empty folder with its own pack', () => {
    // Prepare
    expect(installed.status, installed.output).toBe(0);
    const empty = mkdtempSync(join(tmpdir(), 'tpguard-user-'));
    mkdirSync(join(empty, 'logs'));
    cpSync(join(PROJECT_ROOT, 'events', 'cloudtrail'), join(empty, 'logs'), { recursive: true });

    // Act
    const version = run(tpguard(), ['--version'], empty, process.env);
    const scan = run(tpguard(), ['scan', 'logs', '--format', 'ndjson', '--jobs', '2'], empty, process.env);
    const rules = run(tpguard(), ['rules', 'list'], empty, process.env);

    // Assess
    expect(version.output.trim()).toBe('0.1.0');
    expect(scan.status, scan.output).toBe(1);
    expect(scan.output).toMatch(/"ruleId":"TPS-AUD-\d+".*"verdict":"violation"/);
    expect(rules.status, rules.output).toBe(0);
    expect(rules.output).toContain('TPS-S3-01');
    // Only runtime dependencies were installed: no TypeScript loader, compiler or test runner.
    const modules = join(prefix, 'lib', 'node_modules', 'tpguard', 'node_modules');
    for (const dev of ['tsx', 'typescript', 'vitest', 'esbuild'])
      expect(existsSync(join(modules, dev)), dev).toBe(false);
    rmSync(empty, { recursive: true, force: true });
  });
});
