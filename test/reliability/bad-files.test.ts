import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnCli, type CliRun } from '../helpers/cli.js';
import { ROOT } from './support/seeds.js';

/**
 * Broken inputs through the real CLI (a spawned `tpguard`): each gives one line on
 * stderr that names the file and the problem, a non-zero exit and no stack trace.
 */
const RULE = 'policies/sagemaker/TPS-SM-01.yaml';
const OPEN_EVENT = 'events/cloudtrail/sagemaker-create-training-job-open.json';
const STACK_FRAME = /^\s+at .+(:\d+:\d+\)?|native\)?)$/m;

/** A minimal project: one rule (with its test events), the shipped config, one violating event. */
function makeProject(): string {
  const dir = mkdtempSync(join(tmpdir(), 'tpguard-badfiles-'));
  const rule = readFileSync(join(ROOT, RULE), 'utf8');
  mkdirSync(join(dir, dirname(RULE)), { recursive: true });
  writeFileSync(join(dir, RULE), rule);
  for (const [, event] of rule.matchAll(/event: ([^,}\s]+)/g)) {
    mkdirSync(join(dir, dirname(event)), { recursive: true });
    cpSync(join(ROOT, event), join(dir, event));
  }
  cpSync(join(ROOT, 'tpguard.config.yaml'), join(dir, 'tpguard.config.yaml'));
  return dir;
}

function expectOneLine(run: CliRun, file: string, problem: RegExp): void {
  expect(run.code, run.stderr).not.toBe(0);
  expect(run.stderr).not.toMatch(STACK_FRAME);
  const lines = run.stderr.trimEnd().split('\n');
  expect(lines, run.stderr).toHaveLength(1);
  expect(lines[0]).toContain(file);
  expect(lines[0]).toMatch(problem);
}

describe('Function: tpguard CLI on broken files', () => {
  let dir: string;
  const project = (name: string) => {
    const p = join(dir, name);
    cpSync(join(dir, 'base'), p, { recursive: true });
    return p;
  };
  const edit = (p: string, file: string, change: (text: string) => string) =>
    writeFileSync(join(p, file), change(readFileSync(join(p, file), 'utf8')));

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tpguard-badfiles-root-'));
    cpSync(makeProject(), join(dir, 'base'), { recursive: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('names the rule file and the YAML line of a policy that does not parse', async () => {
    // Prepare
    const p = project('bad-yaml');
    edit(p, RULE, (t) => t.replace(/^severity: (\w+)$/m, 'severity: [$1\n  oops: {'));

    // Act
    const run = await spawnCli(['rules', 'validate', '--policy', 'policies'], { cwd: p });

    // Assess
    expectOneLine(run, RULE, /: line \d+: /);
  });

  it('names the rule file, the rule and the field of a CEL condition that does not compile', async () => {
    // Prepare
    const p = project('bad-cel');
    edit(p, RULE, (t) => t.replace(/^violation: .*$/m, "violation: 'req.?enableNetworkIsolation.orValue(false) == '"));

    // Act
    const run = await spawnCli(['scan', '--policy', 'policies', OPEN_EVENT], { cwd: p });

    // Assess
    expectOneLine(run, `${RULE}: TPS-SM-01: violation: `, /violation: \S/);
  });

  it('names the field of a rule that breaks the schema', async () => {
    // Prepare
    const p = project('bad-schema');
    edit(p, RULE, (t) => t.replace(/^severity: \w+$/m, 'severity: urgent'));

    // Act
    const run = await spawnCli(['rules', 'validate', '--policy', 'policies'], { cwd: p });

    // Assess
    expectOneLine(run, RULE, /severity/);
  });

  it('names both files of a duplicate rule id', async () => {
    // Prepare
    const p = project('duplicate-id');
    mkdirSync(join(p, 'policies/copy'), { recursive: true });
    cpSync(join(p, RULE), join(p, 'policies/copy/TPS-SM-01.yaml'));

    // Act
    const run = await spawnCli(['rules', 'validate', '--policy', 'policies'], { cwd: p });

    // Assess
    expectOneLine(run, 'TPS-SM-01', /duplicate id/);
    expect(run.stderr).toContain('policies/copy/TPS-SM-01.yaml');
    expect(run.stderr).toContain(RULE);
  });

  it('names the path of an unknown configuration key', async () => {
    // Prepare
    const p = project('unknown-key');
    edit(p, 'tpguard.config.yaml', (t) => t.replace(/^( {2})kmsKeys:/m, '$1kmsKey:'));

    // Act
    const run = await spawnCli(['scan', '--policy', 'policies', OPEN_EVENT], { cwd: p });

    // Assess
    expectOneLine(run, 'tpguard.config.yaml', /unknown key approved\.kmsKey/);
  });

  it('names the line of a configuration file that is not YAML', async () => {
    // Prepare
    const p = project('config-yaml');
    edit(p, 'tpguard.config.yaml', (t) => `${t}\nscope: [duplicate\n`);

    // Act
    const run = await spawnCli(['scan', '--policy', 'policies', OPEN_EVENT], { cwd: p });

    // Assess
    expectOneLine(run, 'tpguard.config.yaml', /line \d+/);
  });

  it('names a corrupted .gz log file, exits 2 and still reports the rest of the scan', async () => {
    // Prepare
    const p = project('bad-gz');
    const log = gzipSync(JSON.stringify({ Records: [JSON.parse(readFileSync(join(p, OPEN_EVENT), 'utf8')).detail] }));
    log[10] ^= 0xff; // inside the deflate stream: the header still says gzip
    writeFileSync(join(p, 'trail.json.gz'), log);

    // Act
    const run = await spawnCli(['scan', '--policy', 'policies', 'trail.json.gz', OPEN_EVENT], { cwd: p });

    // Assess
    expectOneLine(run, 'trail.json.gz', /cannot read|invalid|unexpected/);
    expect(run.code).toBe(2);
    expect(run.stdout).toMatch(/1 events evaluated/);
  });

  it('writes nothing to the local store when replay meets a broken pack or config', async () => {
    // Prepare
    const p = project('replay-broken');
    edit(p, RULE, (t) => t.replace(/^violation: .*$/m, "violation: 'req.('"));
    const dataDir = join(p, 'data');

    // Act
    const run = await spawnCli(['replay', '--policy', 'policies', '--data-dir', dataDir, OPEN_EVENT], { cwd: p });

    // Assess
    expectOneLine(run, RULE, /violation: /);
    expect(existsSync(join(dataDir, 'outbox.ndjson'))).toBe(false);
    const listed = await spawnCli(
      ['drift', 'list', '--all', '--format', 'json', '--data-dir', dataDir, '--policy', join(ROOT, 'policies')],
      { cwd: p },
    );
    expect(listed.code, listed.stderr).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });
});
