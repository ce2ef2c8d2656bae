import { describe, expect, it } from 'vitest';
import type { GeneratedPattern } from '../../shared/sources/index.js';
import { BuildError, PatternTooLargeError } from '../../scripts/build-errors.js';
import { DEPLOYED_FUNCTIONS } from '../../scripts/build-functions.js';
import { prerequisites } from '../../scripts/build.js';
import { forwarderResources, ingestResources, mergeFragments, roleResources } from '../../scripts/build-stack.js';

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

  it('refuses a pattern longer than EventBridge accepts', () => {
    // Prepare
    const names = Array.from({ length: 120 }, (_, i) => `SomeFairlyLongApiOperationName${i}`);

    // Act
    const act = () => ingestResources([cloudtrail(names)], []);

    // Assess
    expect(act).toThrow(PatternTooLargeError);
  });
});

describe('Function: roleResources', () => {
  it('grants Security Hub only when the configuration enables it', () => {
    // Act
    const off = JSON.stringify(roleResources(DEPLOYED_FUNCTIONS, { securityHub: false }));
    const on = JSON.stringify(roleResources(DEPLOYED_FUNCTIONS, { securityHub: true }));

    // Assess
    expect(off).not.toContain('securityhub:');
    expect(on).toContain('securityhub:BatchImportFindings');
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
