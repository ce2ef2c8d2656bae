import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Json } from '../helpers/fixtures.js';
import { DEAD_LETTER_QUEUE_SUPPRESSIONS, nagMetadata, XRAY_SUPPRESSIONS } from '../../scripts/build-nag.js';
import { type NagResult, nagTemplate } from './support/nag.js';

const dir = mkdtempSync(join(tmpdir(), 'tpguard-nag-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function nag(resources: Json): NagResult {
  const file = join(dir, `template-${n++}.json`);
  writeFileSync(file, JSON.stringify({ Resources: resources }));
  return nagTemplate(file);
}

const ids = (r: NagResult['findings']) => r.map((f) => `${f.logicalId} ${f.ruleId}`);

/** A role like the function roles: X-Ray on `*`, everything else on a named resource. */
const role = (metadata?: Json): Json => ({
  Type: 'AWS::IAM::Role',
  ...(metadata ? { Metadata: metadata } : {}),
  Properties: {
    AssumeRolePolicyDocument: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    },
    Policies: [
      {
        PolicyName: 'fn',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Action: ['xray:PutTraceSegments'], Resource: '*' },
            { Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] } },
          ],
        },
      },
    ],
  },
});

/** An encrypted queue that is a dead-letter queue, with a TLS-only policy. */
const QUEUE = {
  Queue: {
    Type: 'AWS::SQS::Queue',
    Metadata: nagMetadata(...DEAD_LETTER_QUEUE_SUPPRESSIONS('the test')),
    Properties: { KmsMasterKeyId: 'alias/test' },
  },
  QueuePolicy: {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [{ Ref: 'Queue' }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:*',
            Resource: { 'Fn::GetAtt': ['Queue', 'Arn'] },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    },
  },
};

describe('Function: nagTemplate', () => {
  it('finds the wildcard of a role without suppressions', () => {
    // Act
    const result = nag({ Role: role(), ...QUEUE });

    // Assess
    expect(ids(result.findings)).toEqual([
      'Role AwsSolutions-IAM5[Resource::*]',
      'Role Serverless-LambdaStarPermissions',
    ]);
    expect(ids(result.suppressed)).toEqual(['Queue AwsSolutions-SQS3', 'Queue Serverless-SQSRedrivePolicy']);
    expect(result.unusedSuppressions).toEqual([]);
  });

  it('honours the suppressions in Metadata.cdk_nag.rules_to_suppress, applies_to included', () => {
    // Act
    const result = nag({ Role: role(nagMetadata(...XRAY_SUPPRESSIONS)), ...QUEUE });

    // Assess
    expect(result.findings).toEqual([]);
    expect(ids(result.suppressed)).toEqual([
      'Role AwsSolutions-IAM5[Resource::*]',
      'Queue AwsSolutions-SQS3',
      'Role Serverless-LambdaStarPermissions',
      'Queue Serverless-SQSRedrivePolicy',
    ]);
  });

  it('fails on a resource added without a suppression: a new finding is not covered by the others', () => {
    // Prepare
    const clean = { Role: role(nagMetadata(...XRAY_SUPPRESSIONS)), ...QUEUE };
    const unguarded = { Type: 'AWS::SQS::Queue', Properties: {} };

    // Act
    const before = nag(clean);
    const after = nag({ ...clean, Unreviewed: unguarded });

    // Assess
    expect(before.findings).toEqual([]);
    expect(ids(after.findings)).toEqual([
      'Unreviewed AwsSolutions-SQS3',
      'Unreviewed AwsSolutions-SQS4',
      'Unreviewed Serverless-SQSRedrivePolicy',
    ]);
    expect(after.findings.every((f) => f.logicalId === 'Unreviewed')).toBe(true);
  });

  it('covers only the listed findings with applies_to, and reports a suppression that matches nothing', () => {
    // Prepare
    const wrongFinding = nagMetadata(
      { id: 'AwsSolutions-IAM5', reason: 'Only the SSM parameters are deliberate.', applies_to: ['Resource::arn:ssm'] },
      { id: 'Serverless-LambdaStarPermissions', reason: 'X-Ray accepts no resource-level permission.' },
      { id: 'AwsSolutions-L1', reason: 'This role is no function, the rule never applies.' },
    );

    // Act
    const result = nag({ Role: role(wrongFinding), ...QUEUE });

    // Assess
    expect(ids(result.findings)).toEqual(['Role AwsSolutions-IAM5[Resource::*]']);
    expect(result.unusedSuppressions).toEqual(['Role:AwsSolutions-IAM5', 'Role:AwsSolutions-L1']);
  });

  it('refuses a suppression without a reason of at least one sentence', () => {
    // Prepare
    const lazy = nagMetadata({ id: 'Serverless-LambdaStarPermissions', reason: 'ok' });

    // Act
    const act = () => nag({ Role: role(lazy), ...QUEUE });

    // Assess
    expect(act).toThrow(/Role: cdk_nag suppression Serverless-LambdaStarPermissions needs a reason/);
  });
});
