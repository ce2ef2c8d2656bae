import { DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDriftStore } from '../../shared/adapters/aws/index.js';
import { loadPolicyPack } from '../../shared/policy/index.js';
import { ACCOUNT, PEOPLE, REGION, STACK, startDeployedWorld, type DeployedWorld } from './deployed-support.js';
import { CONFIG, POLICY, tpguard } from './review-support.js';

/** Choosing the store: every store command takes the same options, through cli/store.ts. */

let world: DeployedWorld;
let version: string;
const local = mkdtempSync(join(tmpdir(), 'tpguard-store-'));
const files = ['--config', CONFIG, '--policy', POLICY];

beforeAll(async () => {
  version = (await loadPolicyPack(POLICY)).version;
  world = await startDeployedWorld({ PackVersion: version });
});
afterEach(() => {
  world.outputs({ TableName: STACK, PackVersion: version });
  world.as(PEOPLE.ari);
});
afterAll(async () => {
  await world.close();
  rmSync(local, { recursive: true, force: true });
});

describe('Module: cli/store.ts (choosing the store)', () => {
  it.each([
    [['drift', 'list'], 'no open drift'],
    [['exception', 'list'], 'no active exceptions'],
    [['review', 'list'], 'no review tasks yet'],
  ])('gives "%s" the deployed table with --stage, and says so on stderr only', async (command, empty) => {
    // Act
    const r = await tpguard(...command, '--stage', 'prod', '--region', REGION, ...files);

    // Assess
    expect(r.code).toBe(0);
    expect(r.out).toContain(empty);
    expect(r.err).toBe(
      `tpguard: DEPLOYED stack ${STACK}, account ${ACCOUNT}, ${REGION}: table ${STACK}, bus ${STACK}; as ${PEOPLE.ari}\n`,
    );
  });

  it('names a table directly with --table (bus of the same name unless --bus), without CloudFormation', async () => {
    // Prepare
    world.cfn.resetHistory();

    // Act
    const r = await tpguard('drift', 'list', '--table', STACK, '--bus', 'tpguard-prod-bus', ...files);

    // Assess
    expect(r.code).toBe(0);
    expect(r.err).toContain(
      `DEPLOYED table ${STACK}, account ${ACCOUNT}, ${REGION}: table ${STACK}, bus tpguard-prod-bus`,
    );
    expect(world.cfn.commandCalls(DescribeStacksCommand)).toHaveLength(0);
  });

  it('reads the stack outputs and the caller once per run', async () => {
    // Prepare
    world.cfn.resetHistory();
    world.sts.resetHistory();

    // Act
    await tpguard('report', '--format', 'json', '--stage', 'prod', '--region', REGION, ...files);

    // Assess
    expect(world.cfn.commandCalls(DescribeStacksCommand)).toHaveLength(1);
    expect(world.sts.commandCalls(GetCallerIdentityCommand)).toHaveLength(1);
  });

  it('uses the embedded store without them, as before, and says nothing about AWS', async () => {
    // Act
    const r = await tpguard('drift', 'list', '--data-dir', local, ...files);

    // Assess
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(existsSync(join(local, 'dynalite'))).toBe(true);
  });

  it.each([
    [['--stage', 'prod', '--table', STACK], '--stage and --table both name a deployed store: give one'],
    [['--stage', 'prod', '--data-dir', '/tmp/x'], '--data-dir is the embedded store: drop it with --stage or --table'],
    [
      ['--region', REGION],
      '--region and --profile go with --stage or --table (without them the embedded store is used)',
    ],
    [['--stage', 'prod', '--bus', 'b'], '--bus goes with --table (--stage reads the bus from the stack)'],
    [['--stage', 'prod/../x'], '--stage: letters, digits and hyphens only (the stack is tpguard-<stage>)'],
    [['--stage', 'prod', '--region', REGION, '--now', '2027-01-01T00:00:00Z'], '--now is for the embedded store'],
  ])('refuses %j in one line, exit 2', async (args, message) => {
    // Act
    const r = await tpguard('drift', 'list', ...args, ...files);

    // Assess
    expect(r.code).toBe(2);
    expect(r.err.split('\n').filter(Boolean)).toHaveLength(1);
    expect(r.err).toContain(`tpguard: ${message}`);
  });

  it('tells a missing stack, an unreadable caller and an odd output apart, one line each', async () => {
    // Act
    const missing = await tpguard('drift', 'list', '--stage', 'dev', '--region', REGION, ...files);
    world.sts
      .on(GetCallerIdentityCommand)
      .rejects(
        Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' }),
      );
    const noCredentials = await tpguard('drift', 'list', '--stage', 'prod', '--region', REGION, ...files);
    world.as(PEOPLE.ari);
    world.outputs({ TableName: 'tpguard-prod\u001b[2J' });
    const odd = await tpguard('drift', 'list', '--stage', 'prod', '--region', REGION, ...files);

    // Assess
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.err).toContain('tpguard: no stack tpguard-dev in this account and region');
    expect(noCredentials.err).toBe(
      'tpguard: cannot tell who you are in AWS (sts:GetCallerIdentity): CredentialsProviderError: Could not load credentials from any providers\n',
    );
    expect(odd.code).toBe(2);
    expect(odd.err).toBe('tpguard: stack tpguard-prod output TableName: unexpected value from AWS (not a tableName)\n');
    expect(odd.err).not.toContain('\u001b');
  });

  it('refuses to sign off or report against a stack that runs another pack than --policy', async () => {
    // Prepare
    world.outputs({ PackVersion: '0123456789ab' });

    // Act
    const r = await tpguard('report', '--stage', 'prod', '--region', REGION, ...files);

    // Assess
    expect(r.code).toBe(2);
    expect(r.err).toContain(`the stack runs pack 0123456789ab, --policy holds pack ${version}`);
  });

  it('runs the digest over the stack table, not an embedded one', async () => {
    // Prepare: one open drift record in the stack's table only
    const store = new DynamoDriftStore(world.table.doc, { tableName: STACK });
    await store.applyChange({
      intent: 'violation',
      facts: {
        driftId: 'd-00000000000000000001',
        account: ACCOUNT,
        region: REGION,
        resourceType: 's3-bucket',
        resourceId: 'ml-training-digest',
        ruleId: 'TPS-S3-90',
        title: 'Versioning suspended',
        severity: 'medium',
        area: 's3',
        owner: 'storage',
        packVersion: version,
      },
      eventId: 'e-digest',
      eventTime: '2027-01-02T00:00:00.000Z',
    });

    // Act
    const r = await tpguard('digest', '--stage', 'prod', '--region', REGION, ...files);

    // Assess
    expect(r.code).toBe(0);
    expect(r.out).toContain('digest: 1 open drift');
  });
});
