import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { callerIdentity, DeployedStackError, describeStack } from '../../../../shared/adapters/aws/stack.js';

const sts = mockClient(STSClient);
const cfn = mockClient(CloudFormationClient);
const TARGET = { region: 'eu-west-1' };

afterEach(() => {
  sts.reset();
  cfn.reset();
});

const outputs = (values: Record<string, string>) => ({
  Stacks: [
    {
      StackName: 'tpguard-prod',
      StackStatus: 'UPDATE_COMPLETE' as const,
      CreationTime: new Date('2026-10-01T08:00:00Z'),
      LastUpdatedTime: new Date('2027-01-04T08:00:00Z'),
      Outputs: Object.entries(values).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
    },
  ],
});

describe('Function: callerIdentity', () => {
  it('returns the role session ARN, the account and the region the clients use', async () => {
    // Prepare
    sts.on(GetCallerIdentityCommand).resolves({
      Arn: 'arn:aws:sts::111122223333:assumed-role/Reviewer/dana@example.com',
      Account: '111122223333',
    });

    // Act
    const me = await callerIdentity(TARGET);

    // Assess
    expect(me).toEqual({
      arn: 'arn:aws:sts::111122223333:assumed-role/Reviewer/dana@example.com',
      account: '111122223333',
      region: 'eu-west-1',
    });
  });

  it('refuses an answer that is not a principal ARN (nothing odd reaches the terminal or a record)', async () => {
    // Prepare
    sts
      .on(GetCallerIdentityCommand)
      .resolves({ Arn: 'arn:aws:sts::111122223333:assumed-role/R/\u001b[31mx', Account: '111122223333' });

    // Act + Assess
    await expect(callerIdentity(TARGET)).rejects.toThrow('caller identity: unexpected value from AWS');
  });
});

describe('Function: describeStack', () => {
  it('reads the outputs the CLI needs, lists split, times as ISO', async () => {
    // Prepare
    cfn.on(DescribeStacksCommand, { StackName: 'tpguard-prod' }).resolves(
      outputs({
        TableName: 'tpguard-prod',
        BusName: 'tpguard-prod',
        AlertTopicArn: 'arn:aws:sns:eu-west-1:111122223333:tpguard-prod-alerts',
        PackVersion: 'bb4e91320907',
        IngestPatterns: 'CloudTrailS3,GuardDutyFinding',
        Functions: 'ingestCloudtrail,notify',
      }),
    );

    // Act
    const stack = await describeStack('tpguard-prod', TARGET);

    // Assess
    expect(stack).toEqual({
      stackName: 'tpguard-prod',
      tableName: 'tpguard-prod',
      busName: 'tpguard-prod',
      topicArn: 'arn:aws:sns:eu-west-1:111122223333:tpguard-prod-alerts',
      packVersion: 'bb4e91320907',
      patterns: ['CloudTrailS3', 'GuardDutyFinding'],
      functions: ['ingestCloudtrail', 'notify'],
      lastUpdated: '2027-01-04T08:00:00.000Z',
    });
  });

  it('needs the table name, and names the output it cannot use', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .resolvesOnce(outputs({ BusName: 'b' }))
      .resolvesOnce(outputs({ TableName: 't', PackVersion: 'not-a-hash!' }));

    // Act + Assess
    await expect(describeStack('tpguard-prod', TARGET)).rejects.toThrow('stack tpguard-prod output TableName');
    await expect(describeStack('tpguard-prod', TARGET)).rejects.toThrow(DeployedStackError);
  });

  it('says which stack does not exist, in one line', async () => {
    // Prepare
    cfn
      .on(DescribeStacksCommand)
      .rejects(Object.assign(new Error('Stack with id tpguard-qa does not exist'), { name: 'ValidationError' }));

    // Act + Assess
    await expect(describeStack('tpguard-qa', TARGET)).rejects.toThrow(
      /^no stack tpguard-qa in this account and region/,
    );
  });
});
