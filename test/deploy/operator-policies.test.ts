import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPLOYED_FUNCTIONS } from '../../scripts/build-functions.js';
import {
  OPERATOR_POLICY_IDS,
  OPERATOR_ROLES,
  OPERATOR_WRITE_KEYS,
  SIGN_OFF_ATTRIBUTES,
  type OperatorRole,
} from '../../scripts/build-operators.js';
import { generatePatterns, loadPolicyPack } from '../../shared/policy/index.js';
import { copyProject, offlineEnv, PROJECT_ROOT, readTemplate, run, type Run } from './support/package-run.js';
import { asList, isRefTo, type Statement, type Template } from './support/template.js';

/**
 * The three managed policies an administrator attaches to the people who operate tpguard, as
 * `npm run package` writes them into the stack (offline), and the outputs the CLI reads back.
 */

let work: string;
let packaged: Run;
let template: Template;

beforeAll(() => {
  work = copyProject();
  packaged = run(
    'npm',
    ['run', 'package', '--', '--stage', 'ci', '--region', 'eu-west-1'],
    work,
    offlineEnv(join(work, 'network.log')),
  );
  if (packaged.status === 0) template = readTemplate(work);
}, 600_000);
afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

const statements = (role: OperatorRole): Statement[] =>
  asList(template.Resources[OPERATOR_POLICY_IDS[role]]!.Properties.PolicyDocument.Statement as Statement[]);
const actions = (role: OperatorRole) => new Set(statements(role).flatMap((s) => asList(s.Action)));
const writes = (role: OperatorRole) =>
  statements(role).filter((s) => asList(s.Action).some((a) => /^dynamodb:(Put|Update)Item$/.test(a)));
const leadingKeys = (s: Statement) =>
  (s.Condition as Record<string, Record<string, string[]>> | undefined)?.['ForAllValues:StringLike']?.[
    'dynamodb:LeadingKeys'
  ];

describe('Stack: managed policies for the people who operate tpguard', () => {
  it('packages offline with one managed policy per role, named after the stack, its ARN an output', () => {
    // Assess
    expect(packaged.status, packaged.output).toBe(0);
    for (const role of OPERATOR_ROLES) {
      const id = OPERATOR_POLICY_IDS[role];
      expect(template.Resources[id]).toMatchObject({
        Type: 'AWS::IAM::ManagedPolicy',
        Properties: { ManagedPolicyName: { 'Fn::Sub': `\${AWS::StackName}-${role}` } },
      });
      expect(template.Outputs?.[`${id}Arn`]).toMatchObject({ Value: { Ref: id } });
    }
  });

  it('lets an auditor read the table, its index and the stack outputs, and nothing else', () => {
    // Prepare
    const read = statements('auditor').find((s) => asList(s.Action).includes('dynamodb:GetItem'))!;

    // Assess
    expect([...actions('auditor')].sort()).toEqual([
      'cloudformation:DescribeStacks',
      'dynamodb:GetItem',
      'dynamodb:Query',
      'kms:Decrypt',
    ]);
    expect(asList(read.Resource)).toEqual([
      { 'Fn::GetAtt': ['TpguardTable', 'Arn'] },
      { 'Fn::Sub': '${TpguardTable.Arn}/index/gsi1' },
    ]);
    const describe = statements('auditor').find((s) => asList(s.Action).includes('cloudformation:DescribeStacks'))!;
    expect(asList(describe.Resource)).toEqual([{ Ref: 'AWS::StackId' }]);
  });

  it('lets a reviewer also sign off review tasks: UpdateItem on REVIEW# keys only, sign-off attributes only', () => {
    // Assess
    expect([...actions('reviewer')].filter((a) => !actions('auditor').has(a))).toEqual([
      'kms:GenerateDataKey',
      'dynamodb:UpdateItem',
    ]);
    expect(writes('reviewer')).toHaveLength(1);
    const signOff = writes('reviewer')[0]!;
    expect(asList(signOff.Action)).toEqual(['dynamodb:UpdateItem']);
    expect(leadingKeys(signOff)).toEqual(['REVIEW#*']);
    expect(signOff.Condition).toMatchObject({
      'ForAllValues:StringEquals': { 'dynamodb:Attributes': [...SIGN_OFF_ATTRIBUTES] },
    });
  });

  it('lets a security-admin also write exceptions, drift records and pack records, and publish transitions', () => {
    // Prepare
    const publish = statements('security-admin').find((s) => asList(s.Action).includes('events:PutEvents'))!;

    // Assess
    expect([...actions('security-admin')].filter((a) => !actions('reviewer').has(a)).sort()).toEqual([
      'dynamodb:PutItem',
      'events:PutEvents',
    ]);
    expect(writes('security-admin').map(leadingKeys)).toEqual([
      [...OPERATOR_WRITE_KEYS.reviewer],
      [...OPERATOR_WRITE_KEYS.securityAdmin],
    ]);
    expect(OPERATOR_WRITE_KEYS.securityAdmin).toEqual(['DRIFT#*', 'EXCEPTION#*', 'PACK#*', 'BASELINE#*']);
    expect(asList(publish.Resource).every((r) => isRefTo(r, 'TpguardBus', 'Arn'))).toBe(true);
    expect(publish.Condition).toEqual({ StringEquals: { 'events:source': 'tpguard' } });
  });

  it('grants each role what the role below it has (one policy per person is enough)', () => {
    // Assess
    for (const a of actions('auditor')) expect(actions('reviewer').has(a), a).toBe(true);
    for (const a of actions('reviewer')) expect(actions('security-admin').has(a), a).toBe(true);
  });

  it.each(OPERATOR_ROLES.map((r) => [r]))(
    'never lets a(n) %s delete an item, change the table or use a wildcard',
    (role) => {
      // Assess
      for (const s of statements(role)) {
        expect(s.Effect).toBe('Allow');
        for (const a of asList(s.Action)) {
          expect(a).not.toContain('*');
          expect(a).not.toMatch(
            /^dynamodb:(Delete\w*|BatchWriteItem|PartiQL\w*|(Create|Update|Delete|Restore)\w*Table\w*|UpdateTimeToLive|TransactWriteItems|Scan)$/,
          );
        }
        for (const r of asList(s.Resource)) expect(r).not.toBe('*');
        if (asList(s.Action).some((a) => /^dynamodb:(Put|Update)Item$/.test(a))) expect(leadingKeys(s)).toBeDefined();
        if (asList(s.Action).some((a) => a.startsWith('kms:'))) {
          expect(asList(s.Resource).every((r) => isRefTo(r, 'TpguardKey', 'Arn'))).toBe(true);
          expect(s.Condition).toEqual({
            StringEquals: { 'kms:ViaService': { 'Fn::Sub': 'dynamodb.${AWS::Region}.amazonaws.com' } },
          });
        }
      }
    },
  );

  it('outputs the pack version, patterns and functions it deploys, for tpguard report --stage', async () => {
    // Prepare
    const pack = await loadPolicyPack(join(PROJECT_ROOT, 'policies'));

    // Assess
    expect(template.Outputs).toMatchObject({
      PackVersion: { Value: pack.version },
      IngestPatterns: {
        Value: generatePatterns(pack)
          .map((p) => p.name)
          .join(','),
      },
      Functions: { Value: DEPLOYED_FUNCTIONS.map((f) => f.key).join(',') },
      TableName: { Value: { Ref: 'TpguardTable' } },
      BusName: { Value: { Ref: 'TpguardBus' } },
      AlertTopicArn: { Value: { Ref: 'AlertTopic' } },
    });
  });
});
