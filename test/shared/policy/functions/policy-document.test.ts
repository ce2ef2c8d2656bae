import { describe, expect, it } from 'vitest';
import {
  accountOfPrincipal,
  policyAllowedActions,
  policyAllowsOnAnyResource,
  policyForeignAccounts,
  policyIsPublic,
  statementsOf,
} from '../../../../shared/policy/functions/policy-document.js';
import { measureWork } from '../../../helpers/work.js';

const allow = (principal: unknown, extra: Record<string, unknown> = {}) => ({
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: principal,
      Action: 's3:GetObject',
      Resource: 'arn:aws:s3:::ml-training-nlp-corpus/*',
      ...extra,
    },
  ],
});

describe('Function: policyIsPublic', () => {
  it('calls an Allow to * or {"AWS": "*"} without a condition public, as object or JSON string', () => {
    // Prepare
    const star = allow('*');
    const awsStar = allow({ AWS: '*' });
    const inList = allow({ AWS: ['arn:aws:iam::111122223333:root', '*'] });

    // Act & Assess
    expect(policyIsPublic(star)).toBe(true);
    expect(policyIsPublic(JSON.stringify(star))).toBe(true);
    expect(policyIsPublic(awsStar)).toBe(true);
    expect(policyIsPublic(JSON.stringify(awsStar))).toBe(true);
    expect(policyIsPublic(inList)).toBe(true);
  });

  it('reads a single Statement object, not only a list', () => {
    // Act & Assess
    expect(policyIsPublic({ Statement: { Effect: 'Allow', Principal: '*', Action: 'kms:*', Resource: '*' } })).toBe(
      true,
    );
  });

  it('does not call it public when a condition ties it to known callers', () => {
    // Prepare
    const conditions = [
      { StringEquals: { 'aws:SourceAccount': '111122223333' } },
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sagemaker:eu-west-1:111122223333:training-job/*' } },
      { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      { StringEquals: { 'aws:SourceVpce': ['vpce-0a1b2c3d4e5f67890', 'vpce-0f9e8d7c6b5a43210'] } },
      { StringEquals: { 'aws:sourcevpc': 'vpc-0ml9f8e7d6c5b4a30' } },
      { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/*' } },
      { StringEquals: { 'kms:CallerAccount': '111122223333', 'kms:ViaService': 's3.eu-west-1.amazonaws.com' } },
      { IpAddress: { 'aws:SourceIp': '192.0.2.0/24' } },
    ];

    // Act & Assess
    for (const Condition of conditions)
      expect(policyIsPublic(allow('*', { Condition })), JSON.stringify(Condition)).toBe(false);
  });

  it('still calls it public when the condition does not restrict who calls', () => {
    // Prepare
    const conditions = [
      { Bool: { 'aws:SecureTransport': 'true' } },
      { StringEquals: { 'aws:SourceAccount': '*' } },
      { StringEqualsIfExists: { 'aws:SourceAccount': '111122223333' } },
      { StringNotEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      { Null: { 'aws:SourceAccount': 'false' } },
      { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
      { IpAddress: { 'aws:SourceIp': '0.0.0.0/0' } },
    ];

    // Act & Assess
    for (const Condition of conditions)
      expect(policyIsPublic(allow('*', { Condition })), JSON.stringify(Condition)).toBe(true);
  });

  it('never calls a Deny public', () => {
    // Act & Assess
    expect(
      policyIsPublic({
        Statement: [
          {
            Effect: 'Deny',
            Principal: '*',
            Action: 's3:*',
            Resource: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      }),
    ).toBe(false);
  });

  it('calls an Allow with NotPrincipal public (everyone but the named)', () => {
    // Act & Assess
    expect(
      policyIsPublic({
        Statement: [
          {
            Effect: 'Allow',
            NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/ml-ci-deployer' },
            Action: 's3:GetObject',
            Resource: '*',
          },
        ],
      }),
    ).toBe(true);
    expect(
      policyIsPublic({
        Statement: [
          {
            Effect: 'Deny',
            NotPrincipal: { AWS: 'arn:aws:iam::111122223333:role/ml-ci-deployer' },
            Action: 's3:*',
            Resource: '*',
          },
        ],
      }),
    ).toBe(false);
  });

  it('does not call account, role or service principals public', () => {
    // Act & Assess
    expect(policyIsPublic(allow({ AWS: 'arn:aws:iam::444455556666:root' }))).toBe(false);
    expect(policyIsPublic(allow({ Service: 'sagemaker.amazonaws.com' }))).toBe(false);
    expect(policyIsPublic(allow({ AWS: '111122223333' }))).toBe(false);
  });

  it('reads nothing into what is not a policy', () => {
    // Act & Assess
    for (const doc of [undefined, null, '', 'not json', '{"Statement": 3}', 42, []])
      expect(policyIsPublic(doc)).toBe(false);
    expect(statementsOf('{"Statement": [1, {"Effect": "Allow"}]}')).toEqual([{ Effect: 'Allow' }]);
  });
});

describe('Function: policyForeignAccounts', () => {
  it('lists accounts granted by Allow statements that are not approved, sorted and once each', () => {
    // Prepare
    const doc = JSON.stringify({
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: ['arn:aws:iam::999988887777:root', '444455556666', 'arn:aws:iam::999988887777:role/x'] },
          Action: 'ecr:BatchGetImage',
        },
        {
          Effect: 'Allow',
          Principal: { AWS: 'arn:aws:sts::123456789012:assumed-role/r/s' },
          Action: 'ecr:BatchGetImage',
        },
        { Effect: 'Deny', Principal: { AWS: 'arn:aws:iam::555555555555:root' }, Action: 'ecr:*' },
        { Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' }, Action: 'ecr:BatchGetImage' },
        { Effect: 'Allow', Principal: '*', Action: 'ecr:BatchGetImage' },
      ],
    });

    // Act
    const foreign = policyForeignAccounts(doc, ['111122223333', '444455556666']);

    // Assess
    expect(foreign).toEqual(['123456789012', '999988887777']);
    expect(policyForeignAccounts(doc, ['111122223333', '444455556666', '999988887777', '123456789012'])).toEqual([]);
  });
});

describe('Function: accountOfPrincipal', () => {
  it('reads account ids and IAM/STS ARNs', () => {
    // Act & Assess
    expect(accountOfPrincipal('111122223333')).toBe('111122223333');
    expect(accountOfPrincipal('arn:aws:iam::111122223333:role/x')).toBe('111122223333');
    expect(accountOfPrincipal('arn:aws-cn:sts::111122223333:assumed-role/x/y')).toBe('111122223333');
    expect(accountOfPrincipal('*')).toBeUndefined();
    expect(accountOfPrincipal('sagemaker.amazonaws.com')).toBeUndefined();
  });
});

describe('Function: policyAllowedActions', () => {
  it('lists the actions of Allow statements', () => {
    // Act & Assess
    expect(
      policyAllowedActions({
        Statement: [
          { Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'] },
          { Effect: 'Deny', Action: 's3:*' },
          { Effect: 'Allow', Action: 'kms:Decrypt' },
        ],
      }),
    ).toEqual(['s3:GetObject', 's3:PutObject', 'kms:Decrypt']);
  });
});

describe('Function: policyAllowsOnAnyResource', () => {
  it('finds an Allow of the action, or a wildcard covering it, on Resource "*"', () => {
    // Prepare
    const admin = { Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    const iamStar = { Statement: [{ Effect: 'Allow', Action: ['IAM:*'], Resource: ['*'] }] };
    const scoped = {
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iam:PassRole',
          Resource: 'arn:aws:iam::111122223333:role/SageMakerTrainingExecution',
        },
      ],
    };
    const denied = { Statement: [{ Effect: 'Deny', Action: '*', Resource: '*' }] };

    // Act & Assess
    expect(policyAllowsOnAnyResource(admin, 'iam:PassRole')).toBe(true);
    expect(policyAllowsOnAnyResource(JSON.stringify(iamStar), 'iam:PassRole')).toBe(true);
    expect(policyAllowsOnAnyResource(iamStar, 's3:GetObject')).toBe(false);
    expect(policyAllowsOnAnyResource(scoped, 'iam:PassRole')).toBe(false);
    expect(policyAllowsOnAnyResource(denied, 'iam:PassRole')).toBe(false);
    expect(
      policyAllowsOnAnyResource(
        { Statement: [{ Effect: 'Allow', Action: 'iam:Pass?ole', Resource: '*' }] },
        'iam:PassRole',
      ),
    ).toBe(true);
  });
});

describe('Function: policyAllowsOnAnyResource on hostile Action patterns', () => {
  /** The attack of issue 13: `iam:***...*x` next to `iam:PassRole`, turned into a backtracking RegExp. */
  const hostile = (stars: number) =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: `iam:${'*'.repeat(stars)}x`, Resource: '*' },
        { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
      ],
    });

  it('builds no regular expression from the policy and still finds the PassRole grant', () => {
    // Act
    const work = measureWork(() => policyAllowsOnAnyResource(hostile(40), 'iam:PassRole'));

    // Assess
    expect(work.result).toBe(true);
    expect(work.regexBuilt).toBe(0);
  });

  it('does work linear in the length of the Action pattern', () => {
    // Act
    const [small, large] = [1_000, 2_000].map((n) =>
      measureWork(() => policyAllowsOnAnyResource(hostile(n), 'iam:GetRole')),
    );

    // Assess
    expect(small!.result).toBe(false);
    expect(large!.steps).toBeGreaterThan(0);
    expect(large!.steps).toBeLessThanOrEqual(2 * small!.steps + 64);
    expect(large!.regexBuilt).toBe(0);
  });
});

describe('Function: policyIsPublic with conditions that name everyone (attack 3)', () => {
  it('does not count wildcard values under the pattern operators, nor wide address ranges, as narrowing', () => {
    // Prepare
    const conditions = [
      { StringLike: { 'aws:PrincipalArn': 'arn:*' } },
      { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ml-*' } },
      { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::ml-training-*' } },
      { StringLike: { 'aws:PrincipalOrgID': 'o-*' } },
      { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': '*/r-ab12/*' } },
      { StringLike: { 'aws:SourceAccount': '1111*' } },
      { StringLike: { 'aws:SourceVpce': 'vpce-*' } },
      { IpAddress: { 'aws:SourceIp': ['0.0.0.0/1', '128.0.0.0/1'] } },
      { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      { IpAddress: { 'aws:SourceIp': '2001:db8::/16' } },
      { IpAddress: { 'aws:SourceIp': 'not-an-address' } },
      { StringEquals: { 'aws:username': 'ml-ci' } },
    ];

    // Act & Assess
    for (const Condition of conditions)
      expect(policyIsPublic(allow('*', { Condition })), JSON.stringify(Condition)).toBe(true);
  });

  it('still counts literal values, and patterns that keep the account or organization literal, as narrowing', () => {
    // Prepare
    const conditions = [
      { StringLike: { 'aws:PrincipalArn': 'arn:aws:iam::111122223333:role/ml-*' } },
      { ArnLike: { 'aws:SourceArn': 'arn:aws:sagemaker:*:111122223333:training-job/*' } },
      { StringEquals: { 'aws:PrincipalArn': 'arn:*' } },
      { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-a1b2c3d4e5/*' } },
      { IpAddress: { 'aws:SourceIp': ['198.51.100.0/24', '203.0.113.7'] } },
      { IpAddress: { 'aws:SourceIp': '2001:db8:1234::/48' } },
      { StringLike: { 'aws:userid': 'AROAEXAMPLEID:*' } },
    ];

    // Act & Assess
    for (const Condition of conditions)
      expect(policyIsPublic(allow('*', { Condition })), JSON.stringify(Condition)).toBe(false);
  });
});

describe('Function: policyAllowsOnAnyResource with NotAction, NotResource and resource patterns (attack 3)', () => {
  const role = 'arn:aws:iam::111122223333:role/';
  const grant = (statement: Record<string, unknown>) => ({ Statement: [{ Effect: 'Allow', ...statement }] });

  it('takes an Allow with NotAction for every action it does not list', () => {
    // Act & Assess
    expect(policyAllowsOnAnyResource(grant({ NotAction: 's3:*', Resource: '*' }), 'iam:PassRole')).toBe(true);
    expect(policyAllowsOnAnyResource(grant({ NotAction: ['iam:*'], Resource: '*' }), 'iam:PassRole')).toBe(false);
    expect(policyAllowsOnAnyResource(grant({ NotAction: 'iam:Pass*', Resource: '*' }), 'iam:PassRole')).toBe(false);
  });

  it('takes an Allow with NotResource for every resource it does not list', () => {
    // Act & Assess
    expect(
      policyAllowsOnAnyResource(grant({ Action: 'iam:PassRole', NotResource: `${role}none` }), 'iam:PassRole', role),
    ).toBe(true);
    expect(policyAllowsOnAnyResource(grant({ Action: 'iam:PassRole', NotResource: '*' }), 'iam:PassRole', role)).toBe(
      false,
    );
    expect(
      policyAllowsOnAnyResource(grant({ Action: 'iam:PassRole', NotResource: `${role}*` }), 'iam:PassRole', role),
    ).toBe(false);
  });

  it('takes a resource pattern that covers every name under the prefix for any resource', () => {
    // Prepare
    const covering = [
      '*',
      'arn:aws:iam::*:role/*',
      'arn:*:iam::111122223333:*',
      `${role}*`,
      'arn:aws:iam::*:role/?*',
      'arn:*',
    ];
    const narrow = [
      `${role}SageMakerTrainingExecution`,
      `${role}ml-*`,
      'arn:aws:iam::999988887777:role/*',
      `${role}*-exec`,
      `${role}?`,
    ];

    // Act & Assess
    for (const Resource of covering)
      expect(
        policyAllowsOnAnyResource(grant({ Action: 'iam:PassRole', Resource }), 'iam:PassRole', role),
        Resource,
      ).toBe(true);
    for (const Resource of narrow)
      expect(
        policyAllowsOnAnyResource(grant({ Action: 'iam:PassRole', Resource }), 'iam:PassRole', role),
        Resource,
      ).toBe(false);
  });

  it('lists * among the actions of an Allow with NotAction (everything but what it names)', () => {
    // Act & Assess
    expect(policyAllowedActions(grant({ NotAction: 'iam:DeleteAccountPasswordPolicy', Resource: '*' }))).toEqual(['*']);
    expect(policyAllowedActions(grant({ NotAction: '*', Resource: '*' }))).toEqual([]);
  });
});
