import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/fixtures.js';

/**
 * Issue 13, attacker review item 7 part 28, from the command line: a bucket in scope only through
 * its tag. scan judges each event alone (the same output whatever --jobs) and says which verdicts
 * unknown tags kept it from reaching; replay remembers tags in the store.
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
  it('scan: says the tags are unknown, never a silent pass, whatever --jobs', async () => {
    // Act
    const quiet = await runCli(['scan', PUBLIC_POLICY, CONFIG_ITEM, '--jobs', '2', ...args]);
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
