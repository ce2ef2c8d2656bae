import type { TransitionKind } from '../drift/index.js';
import type { Severity } from '../kernel/index.js';
import { outcomeSentence, type AlertFacts } from './facts.js';
import { escapeMrkdwn, truncate } from './text.js';

/** Field limits of AwsSecurityFinding (Security Hub API reference). */
export const ASFF_LIMITS = {
  id: 512,
  generatorId: 512,
  title: 256,
  description: 1024,
  recommendation: 512,
  productFields: 50,
  productFieldKey: 128,
  productFieldValue: 2048,
  resourceType: 256,
  resourceId: 512,
  types: 50,
  relatedRequirements: 32,
  region: 16,
} as const;

export type AsffSeverityLabel = 'INFORMATIONAL' | 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';
export type WorkflowStatus = 'NEW' | 'NOTIFIED' | 'RESOLVED' | 'SUPPRESSED';

/** The subset of the AWS Security Finding Format tpguard writes (structurally an SDK AwsSecurityFinding). */
export interface AsffFinding {
  SchemaVersion: '2018-10-08';
  Id: string;
  ProductArn: string;
  ProductName: string;
  CompanyName: string;
  GeneratorId: string;
  AwsAccountId: string;
  Region: string;
  Types: string[];
  CreatedAt: string;
  UpdatedAt: string;
  FirstObservedAt?: string;
  LastObservedAt: string;
  Title: string;
  Description: string;
  FindingProviderFields: { Severity: { Label: AsffSeverityLabel; Original: string }; Types: string[] };
  Remediation?: { Recommendation: { Text: string; Url?: string } };
  SourceUrl: string;
  ProductFields: Record<string, string>;
  Resources: Array<{
    Type: string;
    Id: string;
    Partition: 'aws' | 'aws-cn' | 'aws-us-gov';
    Region: string;
    Details?: { Other: Record<string, string> };
  }>;
  Compliance: { Status: 'PASSED' | 'FAILED'; RelatedRequirements?: string[] };
  RecordState: 'ACTIVE' | 'ARCHIVED';
  Workflow?: { Status: WorkflowStatus };
}

/** A finding import, plus the workflow status to set with BatchUpdateFindings (import cannot change it once created). */
export interface SecurityHubUpdate {
  finding: AsffFinding;
  workflowStatus?: WorkflowStatus;
}

const SEVERITY_LABELS: Readonly<Record<Severity, AsffSeverityLabel>> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  informational: 'INFORMATIONAL',
};

/** How each transition shows in Security Hub. */
const STATES: Readonly<
  Record<
    TransitionKind,
    { record: AsffFinding['RecordState']; compliance: 'PASSED' | 'FAILED'; workflow?: WorkflowStatus }
  >
> = {
  opened: { record: 'ACTIVE', compliance: 'FAILED' },
  reopened: { record: 'ACTIVE', compliance: 'FAILED', workflow: 'NEW' },
  escalated: { record: 'ACTIVE', compliance: 'FAILED' },
  resolved: { record: 'ARCHIVED', compliance: 'PASSED', workflow: 'RESOLVED' },
  suppressed: { record: 'ACTIVE', compliance: 'FAILED', workflow: 'SUPPRESSED' },
  // Cannot be verified: shown as failing until an observation says otherwise (fail closed).
  unverifiable: { record: 'ACTIVE', compliance: 'FAILED', workflow: 'NEW' },
};

/** ASFF resource types for the tpguard types that have one; the rest are `Other`. */
const RESOURCE_TYPES: Readonly<Record<string, string>> = {
  's3-bucket': 'AwsS3Bucket',
  'iam-role': 'AwsIamRole',
  'iam-user': 'AwsIamUser',
  'kms-key': 'AwsKmsKey',
  'ecr-repository': 'AwsEcrRepository',
  'security-group': 'AwsEc2SecurityGroup',
  'ec2-instance': 'AwsEc2Instance',
  'cloudtrail-trail': 'AwsCloudTrailTrail',
  'lambda-function': 'AwsLambdaFunction',
  'dynamodb-table': 'AwsDynamoDbTable',
  'sagemaker-notebook-instance': 'AwsSageMakerNotebookInstance',
};

export const FINDING_TYPE = 'Software and Configuration Checks/Industry and Regulatory Standards/CSA AICM MDS-01';

/** `arn:aws:securityhub:<region>:<account>:product/<account>/default`: the default product of the importing account. */
export function defaultProductArn(account: string, region: string): string {
  return `arn:${partitionOf(region)}:securityhub:${region}:${account}:product/${account}/default`;
}

function partitionOf(region: string): AsffFinding['Resources'][number]['Partition'] {
  if (region.startsWith('cn-')) return 'aws-cn';
  return region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

function productFields(f: AlertFacts): Record<string, string> {
  const fields: Record<string, string> = {
    'tpguard/DriftId': f.driftId,
    'tpguard/RuleId': f.ruleId,
    'tpguard/Owner': f.owner,
    'tpguard/Transition': f.kind,
    'tpguard/EventId': f.eventId,
    'tpguard/PackVersion': f.packVersion,
    'tpguard/ResourceType': f.resourceType,
  };
  if (f.actor) fields['tpguard/Actor'] = f.actor;
  if (f.resolvedBy) fields['tpguard/ResolvedBy'] = f.resolvedBy;
  if (f.exceptionId) fields['tpguard/ExceptionId'] = f.exceptionId;
  // Values must have a non-blank character (NonEmptyString); blank ones are left out.
  return Object.fromEntries(
    Object.entries(fields)
      .filter(([, v]) => /\S/.test(v))
      .map(([k, v]) => [
        truncate(k, ASFF_LIMITS.productFieldKey),
        truncate(escapeMrkdwn(v), ASFF_LIMITS.productFieldValue),
      ]),
  );
}

function remediation(f: AlertFacts): AsffFinding['Remediation'] {
  const text = f.runbook.join(' ').trim();
  // Recommendation.Text is a NonEmptyString: a blank runbook leaves Remediation out.
  if (!/\S/.test(text)) return undefined;
  const url = f.references.find((r) => /^https:\/\/\S+$/.test(r));
  return { Recommendation: { Text: truncate(text, ASFF_LIMITS.recommendation), ...(url ? { Url: url } : {}) } };
}

export interface AsffTarget {
  /** The account and region the finding is imported into (where the function runs). */
  account: string;
  region: string;
}

/**
 * The ASFF finding of a transition. `Id` is stable per drift record, so a resolution updates the
 * same finding (RecordState ARCHIVED, Compliance PASSED, then Workflow RESOLVED). Severity and
 * types go through `FindingProviderFields`, as Security Hub asks of finding providers.
 * @example renderFinding(facts, { account: '111122223333', region: 'eu-west-1' }).finding.Id
 */
export function renderFinding(f: AlertFacts, target: AsffTarget): SecurityHubUpdate {
  const state = STATES[f.kind];
  const outcome = outcomeSentence(f);
  const finding: AsffFinding = {
    SchemaVersion: '2018-10-08',
    Id: truncate(`tpguard/${f.account}/${f.region}/${f.ruleId}/${f.driftId}`, ASFF_LIMITS.id),
    ProductArn: defaultProductArn(target.account, target.region),
    ProductName: 'tpguard',
    CompanyName: 'tpguard',
    GeneratorId: truncate(`tpguard/${f.ruleId}`, ASFF_LIMITS.generatorId),
    AwsAccountId: f.account,
    Region: truncate(f.region, ASFF_LIMITS.region),
    Types: [FINDING_TYPE],
    CreatedAt: f.firstSeen ?? f.eventTime,
    UpdatedAt: f.eventTime,
    ...(f.firstSeen ? { FirstObservedAt: f.firstSeen } : {}),
    LastObservedAt: f.eventTime,
    // Security Hub forwards findings to chat (Chatbot, Slack integrations): text from events is
    // escaped as in the Slack message, so a resource named `<!channel>` pings nobody.
    Title: truncate(`${escapeMrkdwn(f.ruleId)} ${f.title}: ${escapeMrkdwn(f.resourceId)}`, ASFF_LIMITS.title),
    Description: truncate(
      [
        outcome ? escapeMrkdwn(outcome) : undefined,
        f.description ?? f.title,
        `Owner: ${escapeMrkdwn(f.owner)}. Who: ${escapeMrkdwn(f.actor ?? 'unknown')}.`,
      ]
        .filter(Boolean)
        .join(' '),
      ASFF_LIMITS.description,
    ),
    FindingProviderFields: {
      Severity: { Label: SEVERITY_LABELS[f.severity], Original: f.severity },
      Types: [FINDING_TYPE],
    },
    SourceUrl: f.consoleUrl,
    ProductFields: productFields(f),
    Resources: [
      {
        Type: Object.hasOwn(RESOURCE_TYPES, f.resourceType) ? RESOURCE_TYPES[f.resourceType]! : 'Other',
        // Only names AWS would refuse hold <, > or &: escaping them loses no real resource.
        Id: truncate(escapeMrkdwn(f.resourceArn ?? f.resourceId), ASFF_LIMITS.resourceId),
        Partition: partitionOf(f.region),
        Region: truncate(f.region, ASFF_LIMITS.region),
        Details: {
          Other: {
            tpguardType: truncate(escapeMrkdwn(f.resourceType), 1023),
            tpguardId: truncate(escapeMrkdwn(f.resourceId), 1023),
          },
        },
      },
    ],
    Compliance: { Status: state.compliance, RelatedRequirements: f.controls.slice(0, ASFF_LIMITS.relatedRequirements) },
    RecordState: state.record,
    ...(f.kind === 'opened' ? { Workflow: { Status: 'NEW' as const } } : {}),
  };
  const rem = remediation(f);
  if (rem) finding.Remediation = rem;
  return state.workflow ? { finding, workflowStatus: state.workflow } : { finding };
}

function lengthProblem(name: string, value: string | undefined, max: number, min = 1): string[] {
  if (value === undefined) return [];
  if (value.length < min || value.length > max) return [`${name}: length ${value.length} (allowed ${min}..${max})`];
  return /\S/.test(value) ? [] : [`${name}: blank`];
}

/**
 * The documented limits a finding breaks (empty when it is valid).
 * @example validateFinding(renderFinding(facts, target).finding) // []
 */
export function validateFinding(f: AsffFinding): string[] {
  const fields = Object.entries(f.ProductFields);
  return [
    ...lengthProblem('Id', f.Id, ASFF_LIMITS.id),
    ...lengthProblem('GeneratorId', f.GeneratorId, ASFF_LIMITS.generatorId),
    ...lengthProblem('Title', f.Title, ASFF_LIMITS.title),
    ...lengthProblem('Description', f.Description, ASFF_LIMITS.description),
    ...lengthProblem('Remediation.Recommendation.Text', f.Remediation?.Recommendation.Text, ASFF_LIMITS.recommendation),
    ...(/^\d{12}$/.test(f.AwsAccountId) ? [] : ['AwsAccountId: 12 digits']),
    ...(f.Types.length > ASFF_LIMITS.types ? ['Types: more than 50'] : []),
    ...(f.Resources.length < 1 || f.Resources.length > 32 ? ['Resources: 1..32 items'] : []),
    ...f.Resources.flatMap((r, i) => [
      ...lengthProblem(`Resources[${i}].Type`, r.Type, ASFF_LIMITS.resourceType),
      ...lengthProblem(`Resources[${i}].Id`, r.Id, ASFF_LIMITS.resourceId),
    ]),
    ...(fields.length > ASFF_LIMITS.productFields ? ['ProductFields: more than 50 pairs'] : []),
    ...fields.flatMap(([k, v]) => [
      ...lengthProblem(`ProductFields key ${k.slice(0, 20)}`, k, ASFF_LIMITS.productFieldKey),
      ...lengthProblem(`ProductFields[${k.slice(0, 20)}]`, v, ASFF_LIMITS.productFieldValue),
    ]),
    ...((f.Compliance.RelatedRequirements?.length ?? 0) > ASFF_LIMITS.relatedRequirements
      ? ['Compliance.RelatedRequirements: more than 32']
      : []),
    ...(Number.isNaN(Date.parse(f.CreatedAt)) || Number.isNaN(Date.parse(f.UpdatedAt))
      ? ['CreatedAt/UpdatedAt: not timestamps']
      : []),
  ];
}
