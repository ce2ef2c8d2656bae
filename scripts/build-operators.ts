import type { CfnFragment, CfnResource } from './build-stack.js';
import { STATIC_IDS } from './build-stack.js';

/**
 * What people who operate tpguard may do, as three IAM managed policies of the stack that an
 * administrator attaches to their roles (or IAM Identity Center permission sets), and the stack
 * outputs the CLI reads (`tpguard --stage`): the pack version, patterns and functions deployed.
 *
 * - auditor: read the table and its index, read the stack's outputs; nothing else.
 * - reviewer: auditor + sign review tasks off (UpdateItem on `REVIEW#` partition keys only).
 * - security-admin: reviewer + exceptions, manual resolution of drift (drift records and their
 *   history), who put a pack version in force, and the transitions those make on the tpguard bus.
 *
 * None may delete an item or change the table; each policy is complete on its own.
 */

/** The three roles, as the CLI names them and the managed policies are suffixed. */
export const OPERATOR_ROLES = ['auditor', 'reviewer', 'security-admin'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

/** Logical id of each managed policy, and of its output (`<id>Arn`). */
export const OPERATOR_POLICY_IDS: Readonly<Record<OperatorRole, string>> = {
  auditor: 'AuditorPolicy',
  reviewer: 'ReviewerPolicy',
  'security-admin': 'SecurityAdminPolicy',
};

/** The partition keys each write of an operator touches (docs/data-model.md). */
export const OPERATOR_WRITE_KEYS = {
  reviewer: ['REVIEW#*'],
  securityAdmin: ['DRIFT#*', 'EXCEPTION#*', 'PACK#*', 'BASELINE#*'],
} as const;

/** The attributes `review complete` writes (and reads in its condition): shared/adapters/aws/dynamodb-review.ts. */
export const SIGN_OFF_ATTRIBUTES = [
  'pk',
  'sk',
  'status',
  'completedBy',
  'completedByName',
  'completedAt',
  'notes',
  'decision',
  'reviewedPackVersion',
] as const;

const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const sub = (s: string) => ({ 'Fn::Sub': s });
const TABLE = arn(STATIC_IDS.table);
const INDEX = sub(`\${${STATIC_IDS.table}.Arn}/index/gsi1`);
const VIA_DYNAMODB = { StringEquals: { 'kms:ViaService': sub('dynamodb.${AWS::Region}.amazonaws.com') } };

type Statement = Record<string, unknown>;

const AUDITOR: readonly Statement[] = [
  { Sid: 'ReadTable', Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: [TABLE, INDEX] },
  // The table is encrypted with the stack's key: reading it decrypts, through DynamoDB only.
  {
    Sid: 'DecryptTableThroughDynamoDB',
    Effect: 'Allow',
    Action: ['kms:Decrypt'],
    Resource: [arn(STATIC_IDS.key)],
    Condition: VIA_DYNAMODB,
  },
  // `tpguard --stage` reads the stack's outputs (table, bus, topic, pack version, patterns).
  // AWS::StackId is the stack's full ARN (name and id): this stack, no wildcard.
  {
    Sid: 'ReadStackOutputs',
    Effect: 'Allow',
    Action: ['cloudformation:DescribeStacks'],
    Resource: [{ Ref: 'AWS::StackId' }],
  },
];

const writeKey = {
  Sid: 'EncryptTableThroughDynamoDB',
  Effect: 'Allow',
  Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
  Resource: [arn(STATIC_IDS.key)],
  Condition: VIA_DYNAMODB,
};

const leadingKeys = (keys: readonly string[]) => ({
  'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [...keys] },
});

const REVIEWER: readonly Statement[] = [
  ...AUDITOR.filter((s) => s.Sid !== 'DecryptTableThroughDynamoDB'),
  writeKey,
  // A sign-off sets these attributes of a task and nothing else: not its due date, not its contents.
  {
    Sid: 'SignOffReviewTasks',
    Effect: 'Allow',
    Action: ['dynamodb:UpdateItem'],
    Resource: [TABLE],
    Condition: {
      ...leadingKeys(OPERATOR_WRITE_KEYS.reviewer),
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...SIGN_OFF_ATTRIBUTES] },
    },
  },
];

const SECURITY_ADMIN: readonly Statement[] = [
  ...REVIEWER,
  // Exceptions (add, approve, revoke), manual resolution and reconciliation of drift records and
  // their history, and the record of who put a pack version in force: conditional single-item writes.
  {
    Sid: 'ExceptionsDriftAndPackRecords',
    Effect: 'Allow',
    Action: ['dynamodb:PutItem', 'dynamodb:UpdateItem'],
    Resource: [TABLE],
    Condition: leadingKeys(OPERATOR_WRITE_KEYS.securityAdmin),
  },
  // The transitions those writes make go to the tpguard bus, so the notify function alerts.
  {
    Sid: 'PublishTransitions',
    Effect: 'Allow',
    Action: ['events:PutEvents'],
    Resource: [arn(STATIC_IDS.bus)],
    Condition: { StringEquals: { 'events:source': 'tpguard' } },
  },
];

const STATEMENTS: Readonly<Record<OperatorRole, readonly Statement[]>> = {
  auditor: AUDITOR,
  reviewer: REVIEWER,
  'security-admin': SECURITY_ADMIN,
};

const DESCRIPTIONS: Readonly<Record<OperatorRole, string>> = {
  auditor: 'read the drift table and its index, and the stack outputs',
  reviewer: 'auditor, and sign off review tasks',
  'security-admin': 'reviewer, and exceptions, manual drift resolution, pack records, transitions on the bus',
};

/**
 * The policy statements of a role, without CloudFormation around them (for tests and the README).
 * @example operatorStatements('reviewer').map((s) => s.Sid)
 */
export function operatorStatements(role: OperatorRole): readonly Statement[] {
  return STATEMENTS[role];
}

/** What the deployment knows at package time and the CLI reads back from the stack's outputs. */
export interface DeployedFacts {
  packVersion: string;
  patterns: readonly string[];
  functions: readonly string[];
}

/**
 * The three managed policies and the outputs: their ARNs, and the pack version, pattern names and
 * function keys this package deploys (what `tpguard report --stage` cites).
 * @example mergeFragments(..., operatorResources({ packVersion, patterns: names, functions: keys }))
 */
export function operatorResources(facts: DeployedFacts): CfnFragment {
  const Resources: Record<string, CfnResource> = {};
  const Outputs: Record<string, unknown> = {};
  for (const role of OPERATOR_ROLES) {
    const id = OPERATOR_POLICY_IDS[role];
    Resources[id] = {
      Type: 'AWS::IAM::ManagedPolicy',
      Properties: {
        ManagedPolicyName: sub(`\${AWS::StackName}-${role}`),
        Description: sub(`tpguard \${AWS::StackName} ${role}: ${DESCRIPTIONS[role]}`),
        PolicyDocument: { Version: '2012-10-17', Statement: STATEMENTS[role].map((s) => ({ ...s })) },
      },
    };
    Outputs[`${id}Arn`] = { Description: `Attach to the roles of a tpguard ${role}`, Value: { Ref: id } };
  }
  Outputs.PackVersion = { Description: 'Policy pack version deployed', Value: facts.packVersion };
  Outputs.IngestPatterns = {
    Description: 'EventBridge patterns generated from the pack',
    Value: facts.patterns.join(','),
  };
  Outputs.Functions = { Description: 'Functions deployed', Value: facts.functions.join(',') };
  return { Resources, Outputs };
}
