import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/fixtures.js';

/**
 * Issue 13, attacker review item 7 part 28, from the command line: a bucket in scope only through
 * its tag. scan remembers tags for the rest of its run; replay remembers them in the store.
 */
const FIXTURES = join(REPO_ROOT, 'test', 'security', 'fixtures');
const CONFIG_ITEM = join(FIXTURES, '28-1-config-tagged-bucket.json');
const PUBLIC_POLICY = join(FIXTURES, '28-2-public-policy-tagged-bucket.json');
const args = ['--config', join(FIXTURES, 'tpguard.config.yaml'), '--policy', join(REPO_ROOT, 'policies')];

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-tag-scope-'));
});
afterAll(async () => cleanup());

describe('Scope through remembered tags, from the CLI (attack 7, part 28)', () => {
  it('scan: judges the PutBucketPolicy after the Config item that shows the tag', async () => {
    // Act
    const run = await runCli([
      'scan',
      CONFIG_ITEM,
      PUBLIC_POLICY,
      '--rule',
      'TPS-S3-01',
      '--format',
      'ndjson',
      ...args,
    ]);
    // Assess
    const rows = run.stdout
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, string>);
    expect(rows.map((r) => `${r.ruleId} ${r.verdict} ${r.resourceId} ${r.eventName ?? r.source}`)).toEqual([
      'TPS-S3-01 violation research-datasets PutBucketPolicy',
    ]);
    expect(run.code).toBe(1);
  });

  it('scan: says the tags are unknown when it has not seen them, never a silent pass', async () => {
    // Act
    const quiet = await runCli(['scan', PUBLIC_POLICY, ...args]);
    const all = await runCli(['scan', PUBLIC_POLICY, '--all', '--rule', 'TPS-S3-01', '--format', 'ndjson', ...args]);
    // Assess
    expect(quiet.stderr).toMatch(
      /^scope: 1 verdicts not reached: the tags of 1 resources are unknown \(s3-bucket research-datasets\)/m,
    );
    const row = JSON.parse(all.stdout.trim()) as Record<string, string>;
    expect([row.verdict, row.reason]).toEqual([
      'cannot-evaluate',
      expect.stringMatching(/^scope: the tags of s3-bucket research-datasets are unknown/),
    ]);
  });

  it('replay: the Config item, then the PutBucketPolicy in another run, opens TPS-S3-01 drift', async () => {
    // Act
    const data = ['--data-dir', join(dir, 'data')];
    await runCli(['replay', CONFIG_ITEM, ...args, ...data]);
    const run = await runCli(['replay', PUBLIC_POLICY, ...args, ...data]);
    // Assess
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/OPENED\s+critical\s+TPS-S3-01\s+s3-bucket\/research-datasets/);
  });
});
