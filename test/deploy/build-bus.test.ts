import { describe, expect, it } from 'vitest';
import type { Json } from '../helpers/fixtures.js';
import { FORWARDER_ROLE_PATH, organizationBusPolicy, tpguardBusPolicy } from '../../scripts/build-bus.js';
import { DEPLOYED_FUNCTIONS, logicalIds } from '../../scripts/build-functions.js';
import type { GeneratedPattern } from '../../shared/sources/index.js';

const PUBLISHING_ROLES = [
  'ingestCloudtrail',
  'ingestGuardduty',
  'ingestConfig',
  'reviewScheduler',
  'reviewReminder',
  // With --record, a backfill feeds its violations through ingest, which publishes transitions.
  'backfillWorker',
].map((k) => ({ 'Fn::GetAtt': [logicalIds(k).role, 'Arn'] }));

describe('Function: tpguardBusPolicy', () => {
  it('lets only the roles of the functions that publish transitions put events on the tpguard bus', () => {
    // Act
    const { Resources, extensions } = tpguardBusPolicy(DEPLOYED_FUNCTIONS);
    const policy = extensions?.TpguardBus?.Properties?.Policy as Json;
    const [allow, deny] = policy.Statement as Json[];

    // Assess
    expect(Resources).toEqual({});
    const allowed = { 'Fn::If': ['HasOperatorRoles', expect.anything(), PUBLISHING_ROLES] };
    expect(allow).toMatchObject({
      Effect: 'Allow',
      Principal: { AWS: { 'Fn::Sub': `arn:\${AWS::Partition}:iam::\${AWS::AccountId}:root` } },
      Action: 'events:PutEvents',
      Condition: { ArnLike: { 'aws:PrincipalArn': allowed }, StringEquals: { 'events:source': 'tpguard' } },
    });
    expect(deny).toEqual({
      Sid: 'DenyOtherPublishers',
      Effect: 'Deny',
      Principal: '*',
      Action: 'events:PutEvents',
      Resource: allow!.Resource,
      Condition: { ArnNotLike: { 'aws:PrincipalArn': allowed } },
    });
    expect(JSON.stringify(policy)).not.toContain('NotifyRole');
    expect(JSON.stringify(policy)).not.toContain('DigestRole');
  });

  it('adds the operator roles of the OperatorRoleArns parameter when it is set', () => {
    // Act
    const policy = tpguardBusPolicy(DEPLOYED_FUNCTIONS).extensions?.TpguardBus?.Properties?.Policy as Json;

    // Assess
    const withOperators = policy.Statement[1].Condition.ArnNotLike['aws:PrincipalArn']['Fn::If'][1];
    expect(withOperators).toEqual({
      'Fn::Split': [',', { 'Fn::Join': [',', [...PUBLISHING_ROLES, { Ref: 'OperatorRoleArns' }]] }],
    });
  });
});

const pattern = (name: string, source: string, detailType: string): GeneratedPattern => ({
  name,
  target: 'cloudtrail',
  pattern: { source: [source], 'detail-type': [detailType] },
});

describe('Function: organizationBusPolicy', () => {
  it('accepts from the organization only the forwarder roles, with the sources and detail types of the patterns', () => {
    // Prepare
    const patterns = [
      pattern('CloudTrailS3', 'aws.s3', 'AWS API Call via CloudTrail'),
      pattern('CloudTrailIam', 'aws.iam', 'AWS API Call via CloudTrail'),
      pattern('GuardDutyFinding', 'aws.guardduty', 'GuardDuty Finding'),
    ];

    // Act
    const policy = organizationBusPolicy(patterns).Resources.OrganizationBusPolicy!;

    // Assess
    expect(policy.Condition).toBe('HasOrganization');
    expect(policy.Properties).toMatchObject({ EventBusName: 'default' });
    expect((policy.Properties as Json).Statement).toMatchObject({
      Effect: 'Allow',
      Principal: '*',
      Action: 'events:PutEvents',
      Condition: {
        StringEquals: {
          'aws:PrincipalOrgID': { Ref: 'OrganizationId' },
          'events:source': ['aws.guardduty', 'aws.iam', 'aws.s3'],
          'events:detail-type': ['AWS API Call via CloudTrail', 'GuardDuty Finding'],
        },
        ArnLike: { 'aws:PrincipalArn': { 'Fn::Sub': `arn:\${AWS::Partition}:iam::*:role/tpguard-forwarder/*` } },
      },
    });
    expect(FORWARDER_ROLE_PATH).toBe('/tpguard-forwarder/');
  });
});
