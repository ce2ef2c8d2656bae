import { BedrockClient } from '@aws-sdk/client-bedrock';
import { ConfigServiceClient, ListDiscoveredResourcesCommand } from '@aws-sdk/client-config-service';
import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeAccount } from '../helpers/baseline-account.js';
import { runCli } from '../helpers/cli.js';
import { REPO_ROOT, tempDir } from '../helpers/fixtures.js';

const SNAPSHOT = join(REPO_ROOT, 'events', 'baseline');
const config = mockClient(ConfigServiceClient);
const sagemaker = mockClient(SageMakerClient);
const bedrock = mockClient(BedrockClient);
const sts = mockClient(STSClient);

let dir: string;
let cleanup: () => Promise<void>;
const saved: Record<string, string | undefined> = {};
beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('tpguard-baseline-'));
  for (const [k, v] of Object.entries({
    AWS_REGION: 'eu-west-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'x',
  })) {
    saved[k] = process.env[k];
    process.env[k] = v;
  }
});
afterEach(async () => {
  for (const m of [config, sagemaker, bedrock, sts]) m.reset();
  for (const [k, v] of Object.entries(saved))
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  await cleanup();
});

describe('Command: tpguard baseline', () => {
  it('reads a Config snapshot (--from) into the store: one line per account and region, one summary per owner', async () => {
    // Act
    const { code, stdout } = await runCli(['baseline', '--from', SNAPSHOT, '--quiet', '--data-dir', dir]);

    // Assess
    expect(code).toBe(0);
    expect(stdout).toMatch(
      /^baseline bl-\d{14}-[0-9a-f]{8} of 111122223333\/eu-west-1 \(file:.*events\/baseline\): 4 resource types, 10 resources read, 10 evaluated, 0 skipped \(out of scope\), 0 unreadable, \d+ ms$/m,
    );
    expect(stdout).toContain('drift: 9 opened, 0 reopened, 0 resolved, 0 gone, 0 suppressed');
    expect(stdout).toContain('summary to fraud: baseline of 111122223333/eu-west-1: 2 resources out of policy, 2 high');
    expect(config.calls()).toEqual([]);
    // ... and the evidence report cites it
    const report = await runCli(['report', '--format', 'json', '--data-dir', dir]);
    const json = JSON.parse(report.stdout);
    expect(json.baselines.map((b: { account: string; region: string }) => `${b.account}/${b.region}`)).toEqual([
      '111122223333/eu-west-1',
      '111122223333/global',
    ]);
    expect(json.caiq[0].evidence.join('\n')).toContain('Baseline of 111122223333/eu-west-1: last run bl-');
  });

  it('reads the account the credentials resolve to (mocked), read-only, and exits 1 when something could not be read', async () => {
    // Prepare: 5 buckets; one of them BatchGetResourceConfig leaves unprocessed
    sts.on(GetCallerIdentityCommand).resolves({ Account: '111122223333', Arn: 'arn:aws:iam::111122223333:user/audit' });
    fakeAccount(config, sagemaker, bedrock, { buckets: 5, jobs: true, unprocessed: ['ml-training-4'] });

    // Act
    const { code, stdout } = await runCli(['baseline', '--quiet', '--concurrency', '2', '--data-dir', dir]);

    // Assess
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /^baseline \S+ of 111122223333\/eu-west-1 \(config\): \d+ resource types, 6 resources read, 6 evaluated, 0 skipped \(out of scope\), 1 unreadable/m,
    );
    expect(stdout).toContain(
      '  unreadable AWS::S3::Bucket ml-training-4: not processed by BatchGetResourceConfig (try the next run)',
    );
    const types = config.commandCalls(ListDiscoveredResourcesCommand).map((c) => c.args[0].input.resourceType);
    expect(types).toContain('AWS::S3::Bucket');
    const names = [...config.calls(), ...sagemaker.calls(), ...bedrock.calls()].map(
      (c) => (c.args[0] as object).constructor.name,
    );
    expect(names.filter((n) => !/^(List|BatchGet|Describe|Get)/.test(n))).toEqual([]);
  });

  it('refuses a concurrency outside 1..16 with exit 2 and one line', async () => {
    // Act
    const { code, stderr } = await runCli(['baseline', '--from', SNAPSHOT, '--concurrency', '99', '--data-dir', dir]);

    // Assess
    expect(code).toBe(2);
    expect(stderr.trim()).toBe('tpguard: --concurrency: a whole number from 1 to 16');
  });
});
