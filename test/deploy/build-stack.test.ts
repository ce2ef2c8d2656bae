import { describe, expect, it } from 'vitest';
import type { GeneratedPattern } from '../../shared/sources/index.js';
import { BuildError, PatternTooLargeError } from '../../scripts/build-errors.js';
import { DEPLOYED_FUNCTIONS, logicalIds } from '../../scripts/build-functions.js';
import { FUNCTION_SUPPRESSIONS, nagMetadata } from '../../scripts/build-nag.js';
import { prerequisites } from '../../scripts/build.js';
import {
  forwarderResources,
  functionExtensions,
  ingestResources,
  mergeFragments,
  roleResources,
} from '../../scripts/build-stack.js';

const cloudtrail = (names: string[]): GeneratedPattern => ({
  name: 'CloudTrailS3',
  target: 'cloudtrail',
  pattern: {
    source: ['aws.s3'],
    'detail-type': ['AWS API Call via CloudTrail'],
    detail: { eventSource: ['s3.amazonaws.com'], eventName: names },
  },
});

describe('Function: ingestResources', () => {
  it('routes each pattern to its ingest function with retries and the dead-letter queue', () => {
    // Act
    const { Resources } = ingestResources([cloudtrail(['PutBucketPolicy'])], ['Drift Opened']);

    // Assess
    const target = (Resources.IngestCloudTrailS3Rule!.Properties.Targets as Record<string, unknown>[])[0]!;
    expect(target).toMatchObject({
      Arn: { 'Fn::GetAtt': ['IngestCloudtrailLambdaFunction', 'Arn'] },
      DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] } },
    });
    expect(Resources.IngestCloudTrailS3RulePermission!.Properties.SourceArn).toEqual({
      'Fn::GetAtt': ['IngestCloudTrailS3Rule', 'Arn'],
    });
  });

  it('lets SNS move undeliverable alert e-mails to the events dead-letter queue, from the alert topic only', () => {
    // Act
    const { Resources } = ingestResources([cloudtrail(['PutBucketPolicy'])], ['Drift Opened']);

    // Assess
    const policy = Resources.EventsDeadLetterQueuePolicy?.Properties as {
      PolicyDocument: { Statement: { Sid: string }[] };
    };
    expect(policy.PolicyDocument.Statement.find((s) => s.Sid === 'AlertSubscriptionRedrive')).toEqual({
      Sid: 'AlertSubscriptionRedrive',
      Effect: 'Allow',
      Principal: { Service: 'sns.amazonaws.com' },
      Action: 'sqs:SendMessage',
      Resource: { 'Fn::GetAtt': ['EventsDeadLetterQueue', 'Arn'] },
      Condition: { ArnEquals: { 'aws:SourceArn': { Ref: 'AlertTopic' } } },
    });
  });

  it('refuses a pattern longer than EventBridge accepts', () => {
    // Prepare
    const names = Array.from({ length: 120 }, (_, i) => `SomeFairlyLongApiOperationName${i}`);

    // Act
    const act = () => ingestResources([cloudtrail(names)], []);

    // Assess
    expect(act).toThrow(PatternTooLargeError);
  });
});

const SLACK = ['/tpguard/slack/ml-platform', '/tpguard/slack/vision'];

describe('Function: roleResources', () => {
  it('grants Security Hub only when the configuration enables it', () => {
    // Act
    const off = JSON.stringify(roleResources(DEPLOYED_FUNCTIONS, { securityHub: false, slackParameters: SLACK }));
    const on = JSON.stringify(roleResources(DEPLOYED_FUNCTIONS, { securityHub: true, slackParameters: SLACK }));

    // Assess
    expect(off).not.toContain('securityhub:');
    expect(on).toContain('securityhub:BatchImportFindings');
  });

  it('grants ssm:GetParameter on exactly the configured Slack parameters, and none without one', () => {
    // Act
    const some = roleResources(DEPLOYED_FUNCTIONS, { securityHub: false, slackParameters: SLACK });
    const none = roleResources(DEPLOYED_FUNCTIONS, { securityHub: false, slackParameters: [] });

    // Assess
    type Statement = { Action: string[]; Resource: unknown };
    type Policies = { Policies: { PolicyDocument: { Statement: Statement[] } }[] };
    const ssm = (f: typeof some, key: string) =>
      (f.Resources[`${key}Role`]!.Properties as Policies).Policies[0]?.PolicyDocument.Statement.filter((s) =>
        s.Action.includes('ssm:GetParameter'),
      );
    expect(ssm(some, 'Notify')).toEqual([
      expect.objectContaining({
        Resource: [
          {
            'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/tpguard/slack/ml-platform`,
          },
          { 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter/tpguard/slack/vision` },
        ],
      }),
    ]);
    expect(ssm(none, 'Notify')).toEqual([]);
    expect(JSON.stringify(none)).not.toContain('ssm:');
  });

  it('names the bus by its ARN, not Fn::GetAtt, so the bus policy can name the roles without a cycle', () => {
    // Act
    const text = JSON.stringify(roleResources(DEPLOYED_FUNCTIONS, { securityHub: false, slackParameters: SLACK }));

    // Assess
    expect(text).toContain(`event-bus/\${self:service}-\${sls:stage}`);
    expect(text).not.toContain('"TpguardBus"');
  });
});

describe('Function: functionExtensions', () => {
  it('encrypts every function log group with the stack key and suppresses the runtime and DLQ findings', () => {
    // Act
    const { extensions } = functionExtensions(DEPLOYED_FUNCTIONS);

    // Assess
    for (const f of DEPLOYED_FUNCTIONS) {
      const ids = logicalIds(f.key);
      expect(extensions?.[ids.logGroup], f.key).toEqual({
        Properties: { KmsKeyId: { 'Fn::GetAtt': ['TpguardKey', 'Arn'] } },
      });
      expect(extensions?.[ids.fn]?.Metadata, f.key).toEqual(nagMetadata(...FUNCTION_SUPPRESSIONS));
      expect(
        FUNCTION_SUPPRESSIONS.map((r) => r.id),
        f.key,
      ).toEqual(['AwsSolutions-L1', 'Serverless-LambdaLatestVersion', 'Serverless-LambdaDLQ']);
    }
  });
});

describe('Function: forwarderResources', () => {
  it('sends every pattern to the central bus parameter with the forwarder role', () => {
    // Act
    const { Resources } = forwarderResources([cloudtrail(['PutBucketPolicy'])]);

    // Assess
    expect((Resources.ForwardCloudTrailS3Rule!.Properties.Targets as unknown[])[0]).toMatchObject({
      Arn: { Ref: 'CentralBusArn' },
      RoleArn: { 'Fn::GetAtt': ['ForwarderRole', 'Arn'] },
    });
  });
});

describe('Function: mergeFragments', () => {
  it('refuses a logical id generated twice', () => {
    // Prepare
    const fragment = { Resources: { Same: { Type: 'AWS::SQS::Queue', Properties: {} } } };

    // Act
    const act = () => mergeFragments(fragment, fragment);

    // Assess
    expect(act).toThrow(BuildError);
  });

  it('merges extensions, and refuses one generated twice', () => {
    // Prepare
    const a = { Resources: {}, extensions: { LogGroup: { Properties: { KmsKeyId: 'k' } } } };
    const b = { Resources: {}, extensions: { Bucket: { Metadata: { m: 1 } } } };

    // Act
    const merged = mergeFragments(a, b);
    const twice = () => mergeFragments(a, a);

    // Assess
    expect(merged.extensions).toEqual({ ...a.extensions, ...b.extensions });
    expect(twice).toThrow(BuildError);
    expect(mergeFragments({ Resources: {} })).toEqual({ Resources: {} });
  });
});

describe('Function: prerequisites', () => {
  it('names the CloudTrail sources, Config resource types and GuardDuty events the patterns need', () => {
    // Prepare
    const patterns: GeneratedPattern[] = [
      cloudtrail(['PutBucketPolicy']),
      {
        name: 'ConfigConfigurationItemChange',
        target: 'config',
        pattern: {
          source: ['aws.config'],
          'detail-type': ['Config Configuration Item Change'],
          detail: { $or: [{ configurationItem: { resourceType: ['AWS::S3::Bucket'] } }] },
        },
      },
      {
        name: 'GuardDutyFinding',
        target: 'guardduty',
        pattern: { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] },
      },
    ];

    // Act
    const text = prerequisites(patterns);

    // Assess
    expect(text).toContain('from: s3.amazonaws.com');
    expect(text).toContain('resource types: AWS::S3::Bucket');
    expect(text).toContain('GuardDuty events: GuardDuty Finding');
  });
});

describe('Function: mergeFragments (outputs)', () => {
  it('merges the outputs of the fragments, and refuses one defined twice', () => {
    // Prepare
    const a = { Resources: {}, Outputs: { PackVersion: { Value: 'v1' } } };
    const b = { Resources: {}, Outputs: { Functions: { Value: 'notify' } } };

    // Act
    const merged = mergeFragments(a, b);

    // Assess
    expect(merged.Outputs).toEqual({ PackVersion: { Value: 'v1' }, Functions: { Value: 'notify' } });
    expect(() => mergeFragments(a, a)).toThrow('output PackVersion generated twice');
    expect(mergeFragments({ Resources: {} })).toEqual({ Resources: {} });
  });
});
