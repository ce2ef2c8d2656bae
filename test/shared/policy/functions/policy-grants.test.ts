import { describe, expect, it } from 'vitest';
import {
  policyForeignAccounts,
  policyForeignOrganizations,
  policyIsPublic,
} from '../../../../shared/policy/functions/policy-document.js';

/**
 * Whom a resource policy grants to, over AWS's documented policy examples and their traps:
 * is it public, which accounts and which organizations outside the approved ones does it reach.
 * The approved account and organization are the user's; 999988887777 and o-f6g7h8i9j0 are not.
 */
const APPROVED_ACCOUNTS = ['111122223333', '444455556666'];
const APPROVED_ORGS = ['o-a1b2c3d4e5'];
const OWN = '111122223333';
const FOREIGN = '999988887777';

type Statement = Record<string, unknown>;
interface Case {
  name: string;
  doc: unknown;
  public: boolean;
  accounts?: string[];
  orgs?: string[];
}

const policy = (...Statement: Statement[]) => ({ Version: '2012-10-17', Statement });
const allow = (Principal: unknown, Condition?: unknown, Action: unknown = 's3:GetObject'): Statement => ({
  Effect: 'Allow',
  Principal,
  Action,
  Resource: 'arn:aws:s3:::ml-training-fraud-data/*',
  ...(Condition ? { Condition } : {}),
});

const CASES: Case[] = [
  // Principals
  { name: 'anonymous read (Principal "*"), the AWS docs public-read example', doc: policy(allow('*')), public: true },
  { name: '{"AWS": "*"}', doc: policy(allow({ AWS: '*' })), public: true },
  {
    name: 'a principal list that contains "*" among accounts',
    doc: policy(allow({ AWS: [`arn:aws:iam::${OWN}:root`, '*'] })),
    public: true,
  },
  { name: 'arn:aws:iam::*:root is every account', doc: policy(allow({ AWS: 'arn:aws:iam::*:root' })), public: true },
  {
    name: 'cross-account grant to two accounts (AWS docs), one approved',
    doc: policy(allow({ AWS: [`arn:aws:iam::${OWN}:root`, `arn:aws:iam::${FOREIGN}:root`] })),
    public: false,
    accounts: [FOREIGN],
  },
  { name: 'a bare account id as principal', doc: policy(allow({ AWS: FOREIGN })), public: false, accounts: [FOREIGN] },
  {
    name: 'a role ARN of another account',
    doc: policy(allow({ AWS: `arn:aws:iam::${FOREIGN}:role/partner-reader` })),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'an assumed-role session ARN of another account',
    doc: policy(allow({ AWS: `arn:aws:sts::${FOREIGN}:assumed-role/partner/session` })),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'an ARN in another partition (aws-cn)',
    doc: policy(allow({ AWS: `arn:aws-cn:iam::${FOREIGN}:root` })),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'a CanonicalUser (S3 origin access identity) names no account',
    doc: policy(allow({ CanonicalUser: '79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be' })),
    public: false,
  },
  {
    name: 'a Federated SAML provider of another account',
    doc: policy(
      allow({ Federated: `arn:aws:iam::${FOREIGN}:saml-provider/PartnerIdP` }, undefined, 'sts:AssumeRoleWithSAML'),
    ),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'a Federated web identity (Cognito) with its audience condition',
    doc: policy(
      allow(
        { Federated: 'cognito-identity.amazonaws.com' },
        { StringEquals: { 'cognito-identity.amazonaws.com:aud': 'eu-west-1:12345678-1234-1234-1234-123456789012' } },
        'sts:AssumeRoleWithWebIdentity',
      ),
    ),
    public: false,
  },
  // Service principals
  { name: 'a service principal alone', doc: policy(allow({ Service: 'sagemaker.amazonaws.com' })), public: false },
  {
    name: 'a service principal tied to the own account (confused-deputy guard, AWS docs)',
    doc: policy(allow({ Service: 'cloudtrail.amazonaws.com' }, { StringEquals: { 'aws:SourceAccount': OWN } })),
    public: false,
  },
  {
    name: 'a service principal acting for another account (aws:SourceAccount)',
    doc: policy(allow({ Service: 'cloudtrail.amazonaws.com' }, { StringEquals: { 'aws:SourceAccount': FOREIGN } })),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: "a service principal acting for another account's trail (aws:SourceArn)",
    doc: policy(
      allow(
        { Service: 'cloudtrail.amazonaws.com' },
        { ArnLike: { 'aws:SourceArn': `arn:aws:cloudtrail:eu-west-1:${FOREIGN}:trail/*` } },
      ),
    ),
    public: false,
    accounts: [FOREIGN],
  },
  // Public principal restricted by a condition
  {
    name: 'Principal "*" restricted to another account (aws:PrincipalAccount)',
    doc: policy(allow('*', { StringEquals: { 'aws:PrincipalAccount': FOREIGN } })),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'Principal "*" restricted to another account (aws:SourceAccount)',
    doc: policy(allow('*', { StringEquals: { 'aws:SourceAccount': FOREIGN } })),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'the AWS managed key policy: {"AWS":"*"} with kms:CallerAccount of the own account',
    doc: policy(
      allow(
        { AWS: '*' },
        { StringEquals: { 'kms:CallerAccount': OWN, 'kms:ViaService': 'sagemaker.eu-west-1.amazonaws.com' } },
        ['kms:Decrypt', 'kms:GenerateDataKey*'],
      ),
    ),
    public: false,
  },
  {
    name: 'the same key policy pattern with another account as kms:CallerAccount',
    doc: policy(allow({ AWS: '*' }, { StringEquals: { 'kms:CallerAccount': FOREIGN } }, 'kms:Decrypt')),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'several values: the own account and another one',
    doc: policy(allow('*', { StringEquals: { 'aws:PrincipalAccount': [OWN, FOREIGN] } })),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'a condition key written in another case (AWS:SourceAccount)',
    doc: policy(allow('*', { StringEquals: { 'AWS:SourceAccount': FOREIGN } })),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'aws:SourceOwner (SNS, SES) naming another account',
    doc: policy(allow({ AWS: '*' }, { StringEquals: { 'aws:SourceOwner': FOREIGN } }, 'sns:Publish')),
    public: false,
    accounts: [FOREIGN],
  },
  {
    // A pattern where the condition names the party names everyone it matches (issue 13, attack 3):
    // public for the rules that read policyIsPublic only (TPS-CFG-02), and still an unapproved grant.
    name: 'an account pattern (StringLike 9999*) is not an approved account, and is public',
    doc: policy(allow('*', { StringLike: { 'aws:PrincipalAccount': '9999*' } })),
    public: true,
    accounts: ['9999*'],
  },
  {
    name: 'a value of "*" restricts nothing',
    doc: policy(allow('*', { StringEquals: { 'aws:SourceAccount': '*' } })),
    public: true,
  },
  // Organizations
  {
    name: 'Principal "*" restricted to the own organization (aws:PrincipalOrgID)',
    doc: policy(allow('*', { StringEquals: { 'aws:PrincipalOrgID': APPROVED_ORGS[0] } })),
    public: false,
  },
  {
    name: 'Principal "*" restricted to another organization',
    doc: policy(allow('*', { StringEquals: { 'aws:PrincipalOrgID': 'o-f6g7h8i9j0' } })),
    public: false,
    orgs: ['o-f6g7h8i9j0'],
  },
  {
    name: 'an organization path of another organization (ForAnyValue:StringLike aws:PrincipalOrgPaths)',
    doc: policy(
      allow('*', { 'ForAnyValue:StringLike': { 'aws:PrincipalOrgPaths': 'o-f6g7h8i9j0/r-ab12/ou-ab12-11111111/*' } }),
    ),
    public: false,
    orgs: ['o-f6g7h8i9j0'],
  },
  {
    name: 'a role name in any account of the own organization (PrincipalArn with a * account)',
    doc: policy(
      allow('*', {
        StringEquals: { 'aws:PrincipalOrgID': APPROVED_ORGS[0] },
        'ForAnyValue:StringLike': { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ExampleDeploymentRole*' },
      }),
    ),
    public: false,
  },
  {
    name: 'a role name in any account at all (PrincipalArn with a * account, no organization): public',
    doc: policy(allow('*', { ArnLike: { 'aws:PrincipalArn': 'arn:aws:iam::*:role/ExampleDeploymentRole*' } })),
    public: true,
    accounts: ['*'],
  },
  {
    name: 'two organization statements, one of them not the own (Panther "KMS Key Restricted Access" shape)',
    doc: policy(
      allow('*', { StringEquals: { 'aws:PrincipalOrgID': APPROVED_ORGS[0] } }, 'kms:Decrypt'),
      allow('*', { StringEquals: { 'aws:PrincipalOrgID': 'o-f6g7h8i9j0' } }, 'kms:Decrypt'),
    ),
    public: false,
    orgs: ['o-f6g7h8i9j0'],
  },
  // Operators that do not name who is allowed
  {
    name: 'a negated operator (StringNotEquals) allows everyone else: public, and names no grantee',
    doc: policy(allow('*', { StringNotEquals: { 'aws:PrincipalAccount': FOREIGN } })),
    public: true,
  },
  {
    name: 'Null only asks that the key exists: public',
    doc: policy(allow('*', { Null: { 'aws:PrincipalOrgID': 'false' } })),
    public: true,
  },
  {
    name: 'IfExists lets callers without the key in (public) and still grants the named account',
    doc: policy(allow('*', { StringEqualsIfExists: { 'aws:PrincipalAccount': FOREIGN } })),
    public: true,
    accounts: [FOREIGN],
  },
  {
    name: 'ForAllValues is true for a missing key: public, the own organization named',
    doc: policy(allow('*', { 'ForAllValues:StringEquals': { 'aws:PrincipalOrgID': APPROVED_ORGS[0] } })),
    public: true,
  },
  {
    name: 'ForAnyValue:StringEquals naming another account',
    doc: policy(allow('*', { 'ForAnyValue:StringEquals': { 'aws:PrincipalAccount': [FOREIGN] } })),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'a condition on a named own principal does not grant the account it names (both must hold)',
    doc: policy(allow({ AWS: `arn:aws:iam::${OWN}:root` }, { StringEquals: { 'aws:PrincipalAccount': FOREIGN } })),
    public: false,
  },
  // Deny and NotPrincipal
  {
    name: 'a Deny to "*" (deny insecure transport, AWS docs) grants nothing',
    doc: policy({
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: ['arn:aws:s3:::ml-training-fraud-data', 'arn:aws:s3:::ml-training-fraud-data/*'],
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    }),
    public: false,
  },
  {
    name: 'a data-perimeter Deny naming another organization grants nothing',
    doc: policy(allow({ AWS: `arn:aws:iam::${OWN}:root` }), {
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: '*',
      Condition: { StringNotEquals: { 'aws:PrincipalOrgID': 'o-f6g7h8i9j0' } },
    }),
    public: false,
  },
  {
    name: 'Allow with NotPrincipal is everyone but the named: public',
    doc: policy({
      Effect: 'Allow',
      NotPrincipal: { AWS: `arn:aws:iam::${OWN}:role/ml-ci-deployer` },
      Action: 's3:GetObject',
      Resource: '*',
    }),
    public: true,
  },
  {
    name: 'Allow with NotPrincipal restricted by aws:PrincipalAccount of another account',
    doc: policy({
      Effect: 'Allow',
      NotPrincipal: { AWS: `arn:aws:iam::${OWN}:role/x` },
      Action: 's3:GetObject',
      Resource: '*',
      Condition: { StringEquals: { 'aws:PrincipalAccount': FOREIGN } },
    }),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'Deny with NotPrincipal grants nothing',
    doc: policy({ Effect: 'Deny', NotPrincipal: { AWS: `arn:aws:iam::${OWN}:root` }, Action: 's3:*', Resource: '*' }),
    public: false,
  },
  // Forms the document arrives in
  {
    name: 'a JSON string (CloudTrail requestParameters.policy)',
    doc: JSON.stringify(policy(allow('*', { StringEquals: { 'aws:PrincipalAccount': FOREIGN } }))),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'a URL-encoded JSON string (IAM documents in Config items)',
    doc: encodeURIComponent(
      JSON.stringify(policy(allow({ AWS: `arn:aws:iam::${FOREIGN}:root` }, undefined, 'sts:AssumeRole'))),
    ),
    public: false,
    accounts: [FOREIGN],
  },
  {
    name: 'a single Statement object, not a list',
    doc: { Statement: allow('*', { StringEquals: { 'aws:SourceAccount': FOREIGN } }) },
    public: false,
    accounts: [FOREIGN],
  },
];

describe('Function: policy grants (public, foreign accounts, foreign organizations)', () => {
  it('covers at least 30 documents', () => {
    // Assess
    expect(CASES.length).toBeGreaterThanOrEqual(30);
  });

  it.each(CASES)('$name', (c) => {
    // Act
    const got = {
      public: policyIsPublic(c.doc),
      accounts: policyForeignAccounts(c.doc, APPROVED_ACCOUNTS),
      orgs: policyForeignOrganizations(c.doc, APPROVED_ORGS),
    };

    // Assess
    expect(got).toEqual({ public: c.public, accounts: c.accounts ?? [], orgs: c.orgs ?? [] });
  });

  it("judges no organization while none is approved (which one is the user's is unknown)", () => {
    // Prepare
    const doc = policy(allow('*', { StringEquals: { 'aws:PrincipalOrgID': 'o-f6g7h8i9j0' } }));

    // Act + Assess
    expect(policyForeignOrganizations(doc, [])).toEqual([]);
    expect(policyForeignOrganizations(doc, APPROVED_ORGS)).toEqual(['o-f6g7h8i9j0']);
  });

  it('reads nothing into what is not a policy', () => {
    // Act + Assess
    for (const doc of [undefined, null, '', 'not json', 42, [], { Statement: 'x' }]) {
      expect(policyForeignAccounts(doc, APPROVED_ACCOUNTS)).toEqual([]);
      expect(policyForeignOrganizations(doc, APPROVED_ORGS)).toEqual([]);
    }
  });
});
