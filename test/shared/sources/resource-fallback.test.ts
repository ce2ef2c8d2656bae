import { describe, expect, it } from 'vitest';
import { normalizeCloudTrail } from '../../../shared/sources/cloudtrail.js';

type Json = Record<string, unknown>;

const record = (eventSource: string, eventName: string, extra: Json): Json => ({
  eventVersion: '1.09',
  eventTime: '2026-11-02T10:00:00Z',
  eventSource,
  eventName,
  awsRegion: 'eu-west-1',
  recipientAccountId: '111122223333',
  eventID: `${eventName}-1`,
  ...extra,
});

const resourcesOf = (r: Json) => normalizeCloudTrail(r).resources.map(({ type, id, arn }) => ({ type, id, arn }));

describe('Function: normalizeCloudTrail, resources the request does not name', () => {
  it('takes a versioned model package from responseElements.modelPackageArn (CreateModelPackage with a group name)', () => {
    // Prepare
    const arn = 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/fraud-xgb/8';
    const r = record('sagemaker.amazonaws.com', 'CreateModelPackage', {
      requestParameters: { modelPackageGroupName: 'fraud-xgb', modelApprovalStatus: 'Approved' },
      responseElements: { modelPackageArn: arn },
    });

    // Act + Assess: the same id as UpdateModelPackage's request gives
    expect(resourcesOf(r)).toEqual([{ type: 'sagemaker-model-package', id: arn, arn }]);
  });

  it('takes a security group id from the response of a call that named it by groupName', () => {
    // Prepare
    const r = record('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {
      requestParameters: { groupName: 'ml-notebook-sg', ipPermissions: { items: [] } },
      responseElements: { _return: true, securityGroupRuleSet: { items: [{ groupId: 'sg-0ml5a1b2c3d4e5f60' }] } },
    });

    // Act + Assess
    expect(resourcesOf(r)).toEqual([{ type: 'security-group', id: 'sg-0ml5a1b2c3d4e5f60', arn: undefined }]);
  });

  it('falls back to the group name itself when the response has no id', () => {
    // Prepare
    const r = record('ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {
      requestParameters: { groupName: 'ml-notebook-sg' },
      responseElements: null,
    });

    // Act + Assess
    expect(resourcesOf(r)).toEqual([{ type: 'security-group', id: 'ml-notebook-sg', arn: undefined }]);
  });

  it("takes a key from CloudTrail's resources[] when keyId is missing", () => {
    // Prepare
    const arn = 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const r = record('kms.amazonaws.com', 'PutKeyPolicy', {
      requestParameters: { policyName: 'default', policy: '{"Statement":[]}' },
      resources: [{ accountId: '111122223333', type: 'AWS::KMS::Key', ARN: arn }],
    });

    // Act + Assess
    expect(resourcesOf(r)).toEqual([{ type: 'kms-key', id: '1234abcd-12ab-34cd-56ef-1234567890ab', arn }]);
  });

  it('takes a role from the ARN in responseElements (role.arn of CreateRole)', () => {
    // Prepare
    const r = record('iam.amazonaws.com', 'CreateRole', {
      requestParameters: { assumeRolePolicyDocument: '{}' },
      responseElements: { role: { arn: 'arn:aws:iam::111122223333:role/service/ml-etl', roleId: 'AROA1' } },
    });

    // Act + Assess
    expect(resourcesOf(r)).toEqual([
      { type: 'iam-role', id: 'ml-etl', arn: 'arn:aws:iam::111122223333:role/service/ml-etl' },
    ]);
  });

  it('takes a bucket from the Resource of the bucket policy the call sets', () => {
    // Prepare
    const r = record('s3.amazonaws.com', 'PutBucketPolicy', {
      requestParameters: {
        bucketPolicy: {
          Statement: [
            { Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ml-training-x/*' },
          ],
        },
      },
    });

    // Act + Assess
    expect(resourcesOf(r)).toEqual([{ type: 's3-bucket', id: 'ml-training-x', arn: 'arn:aws:s3:::ml-training-x/*' }]);
  });

  it('never takes a resource of another kind, nor one from an identity policy', () => {
    // Prepare: PutUserPolicy names a user; the role ARN in its policy is what the user may pass, not the resource
    const r = record('iam.amazonaws.com', 'PutUserPolicy', {
      requestParameters: {
        userName: 'jdoe',
        policyDocument:
          '{"Statement":[{"Effect":"Allow","Action":"iam:PassRole","Resource":"arn:aws:iam::111122223333:role/x"}]}',
      },
    });

    // Act + Assess
    expect(resourcesOf(r)).toEqual([{ type: 'iam-user', id: 'jdoe', arn: 'arn:aws:iam::111122223333:user/jdoe' }]);
  });

  it('prefers what the request names over any fallback', () => {
    // Prepare
    const r = record('sagemaker.amazonaws.com', 'UpdateModelPackage', {
      requestParameters: { modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/a/1' },
      responseElements: { modelPackageArn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/b/2' },
    });

    // Act + Assess
    expect(resourcesOf(r).map((x) => x.id)).toEqual(['arn:aws:sagemaker:eu-west-1:111122223333:model-package/a/1']);
  });

  it('looks at a bounded number of response values (hostile input)', () => {
    // Prepare: the only key ARN sits after 10,000 decoys
    const decoys = Array.from({ length: 10_000 }, (_, i) => `value-${i}`);
    const r = record('kms.amazonaws.com', 'PutKeyPolicy', {
      requestParameters: {},
      responseElements: { list: decoys, late: { deeper: 'arn:aws:kms:eu-west-1:111122223333:key/late' } },
    });

    // Act + Assess
    expect(resourcesOf(r)).toEqual([]);
  });
});
