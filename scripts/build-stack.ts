import { type GeneratedPattern, INGEST_ROUTES } from '../shared/sources/index.js';
import { BuildError, PatternTooLargeError } from './build-errors.js';
import { ACCESS_ACTIONS, Access, logicalIds, type DeployedFunction } from './build-functions.js';
import { ARCHIVE_OBJECTS, BACKFILL_IDS, RESULTS_OBJECTS_ARN, workerArchiveStatements } from './build-backfill.js';
import { FUNCTION_SUPPRESSIONS, type NagSuppression, nagMetadata, XRAY_SUPPRESSIONS } from './build-nag.js';

/**
 * CloudFormation resources generated at package time, merged into the stacks by serverless.yml
 * (`resources: - ${file(.build/main-stack.json)}`): what depends on the policy pack (the ingest
 * and forwarding rules) or repeats per function (roles, alarms). Static resources (table, key,
 * topic, queues, buses, schedules) are written out in serverless.yml itself.
 */

export interface CfnResource {
  Type: string;
  Properties: Record<string, unknown>;
  Condition?: string;
  DependsOn?: string | string[];
  Metadata?: Record<string, unknown>;
}

/**
 * A serverless `resources.extensions` entry: properties and metadata merged into a resource
 * defined elsewhere (one serverless generates, such as a function or its log group, or one of
 * serverless.yml).
 */
export interface CfnExtension {
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
}

export interface CfnFragment {
  Resources: Record<string, CfnResource>;
  Outputs?: Record<string, unknown>;
  /** serverless `resources.extensions`, by logical id. */
  extensions?: Record<string, CfnExtension>;
}

/** EventBridge's default limit on the size of one event pattern, in characters. */
export const MAX_PATTERN_CHARS = 2048;

/** Static logical ids of serverless.yml the generated resources refer to. */
export const STATIC_IDS = {
  key: 'TpguardKey',
  table: 'TpguardTable',
  bus: 'TpguardBus',
  topic: 'AlertTopic',
  eventsDlq: 'EventsDeadLetterQueue',
  failureQueue: 'FunctionFailureQueue',
  forwarderDlq: 'ForwarderDeadLetterQueue',
  forwarderRole: 'ForwarderRole',
  organizationCondition: 'HasOrganization',
  organizationParameter: 'OrganizationId',
  operatorRolesCondition: 'HasOperatorRoles',
  operatorRolesParameter: 'OperatorRoleArns',
  centralBusParameter: 'CentralBusArn',
  chatbotCondition: 'HasChatbotTopic',
  chatbotTopicParameter: 'ChatbotTopicArn',
} as const;

/** EventBridge target retries: a day of attempts, then the dead-letter queue. */
export const TARGET_RETRY_POLICY = { MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 } as const;

const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const sub = (s: string) => ({ 'Fn::Sub': s });

/**
 * The tpguard bus, built from its name (`${self:service}-${sls:stage}`, resolved by serverless)
 * rather than `Fn::GetAtt`: the bus policy names the publishing roles, so the roles cannot
 * depend on the bus.
 */
export const BUS_ARN = sub(
  `arn:\${AWS::Partition}:events:\${AWS::Region}:\${AWS::AccountId}:event-bus/\${self:service}-\${sls:stage}`,
);

/** Rule name in the template: `Ingest` + pattern name, e.g. `IngestCloudTrailSagemaker`. */
export const ingestRuleId = (p: GeneratedPattern) => `Ingest${p.name}Rule`;
export const forwardRuleId = (p: GeneratedPattern) => `Forward${p.name}Rule`;
export const NOTIFY_RULE_ID = 'NotifyTransitionsRule';

function checkPatternSize(p: GeneratedPattern): void {
  const size = JSON.stringify(p.pattern).length;
  if (size > MAX_PATTERN_CHARS) {
    throw new PatternTooLargeError(p.name, size, MAX_PATTERN_CHARS);
  }
}

function lambdaRule(pattern: Record<string, unknown>, fnKey: string, busName?: unknown): CfnResource {
  return {
    Type: 'AWS::Events::Rule',
    Properties: {
      ...(busName === undefined ? {} : { EventBusName: busName }),
      State: 'ENABLED',
      EventPattern: pattern,
      Targets: [
        {
          Id: fnKey,
          Arn: arn(logicalIds(fnKey).fn),
          RetryPolicy: TARGET_RETRY_POLICY,
          DeadLetterConfig: { Arn: arn(STATIC_IDS.eventsDlq) },
        },
      ],
    },
  };
}

function invokePermission(fnKey: string, ruleId: string): CfnResource {
  return {
    Type: 'AWS::Lambda::Permission',
    Properties: {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: arn(logicalIds(fnKey).fn),
      SourceArn: arn(ruleId),
    },
  };
}

/**
 * Only TLS, and only EventBridge on behalf of the listed rules (and the `extra` senders), may
 * send to a dead-letter queue.
 */
function deadLetterQueuePolicy(
  queueId: string,
  ruleIds: string[],
  extra: readonly Record<string, unknown>[] = [],
): CfnResource {
  return {
    Type: 'AWS::SQS::QueuePolicy',
    Properties: {
      Queues: [{ Ref: queueId }],
      PolicyDocument: {
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'EventBridgeRuleTargets',
            Effect: 'Allow',
            Principal: { Service: 'events.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: arn(queueId),
            Condition: { ArnEquals: { 'aws:SourceArn': ruleIds.map(arn) } },
          },
          ...extra,
          {
            Sid: 'DenyInsecureTransport',
            Effect: 'Deny',
            Principal: '*',
            Action: 'sqs:*',
            Resource: arn(queueId),
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          },
        ],
      },
    },
  };
}

/** The default-bus rules that start the ingest functions (exactly the generated patterns), and the tpguard-bus rule of notify (`notifyDetailTypes`). */
export function ingestResources(
  patterns: readonly GeneratedPattern[],
  notifyDetailTypes: readonly string[],
): CfnFragment {
  const Resources: Record<string, CfnResource> = {};
  const ruleIds: string[] = [];
  for (const p of patterns) {
    checkPatternSize(p);
    const id = ingestRuleId(p);
    const fnKey = INGEST_ROUTES[p.target];
    Resources[id] = lambdaRule(p.pattern, fnKey);
    Resources[`${id}Permission`] = invokePermission(fnKey, id);
    ruleIds.push(id);
  }
  Resources[NOTIFY_RULE_ID] = lambdaRule({ source: ['tpguard'], 'detail-type': [...notifyDetailTypes] }, 'notify', {
    Ref: STATIC_IDS.bus,
  });
  Resources[`${NOTIFY_RULE_ID}Permission`] = invokePermission('notify', NOTIFY_RULE_ID);
  ruleIds.push(NOTIFY_RULE_ID);
  Resources[`${STATIC_IDS.eventsDlq}Policy`] = deadLetterQueuePolicy(STATIC_IDS.eventsDlq, ruleIds, [
    ALERT_REDRIVE_STATEMENT,
  ]);
  return { Resources };
}

/** SNS moves alert e-mails it cannot deliver (the subscription's redrive policy) to the events DLQ. */
const ALERT_REDRIVE_STATEMENT = {
  Sid: 'AlertSubscriptionRedrive',
  Effect: 'Allow',
  Principal: { Service: 'sns.amazonaws.com' },
  Action: 'sqs:SendMessage',
  Resource: arn(STATIC_IDS.eventsDlq),
  Condition: { ArnEquals: { 'aws:SourceArn': { Ref: STATIC_IDS.topic } } },
};

const TABLE_ARNS = [arn(STATIC_IDS.table), sub(`\${${STATIC_IDS.table}.Arn}/index/gsi1`)];

const product = (kind: string) => sub(`arn:\${AWS::Partition}:securityhub:\${AWS::Region}:\${AWS::AccountId}:${kind}`);

/** What the configuration decides about the roles. */
export interface RoleOptions {
  /** `notifications.securityHub`: the Security Hub access is dropped unless true. */
  securityHub: boolean;
  /** The SSM parameters of the configured Slack webhooks (`slackParameterNames`); none: no SSM access. */
  slackParameters: readonly string[];
}

/** The statements of each access, on named resources only (never `*`). */
const ACCESS_STATEMENTS: Readonly<Record<Access, (opts: RoleOptions) => Record<string, unknown>[]>> = {
  tableRead: () => [{ Resource: TABLE_ARNS }],
  tableWrite: () => [{ Resource: [arn(STATIC_IDS.table)] }],
  digestLedgerRelease: () => [
    {
      Resource: [arn(STATIC_IDS.table)],
      Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['DIGEST#*'] } },
    },
  ],
  busPublish: () => [{ Resource: [BUS_ARN] }],
  topicPublish: () => [
    {
      Resource: [
        { Ref: STATIC_IDS.topic },
        { 'Fn::If': [STATIC_IDS.chatbotCondition, { Ref: STATIC_IDS.chatbotTopicParameter }, { Ref: 'AWS::NoValue' }] },
      ],
    },
  ],
  slackWebhooks: (opts) => [
    {
      Resource: opts.slackParameters.map((name) =>
        sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${name}`),
      ),
    },
  ],
  // The resource forms AWS defines: findings are imported as the account's own default product,
  // and updated through the account's hub.
  // Granted in a policy of its own, only when the archive bucket is given (workerArchiveStatements).
  archiveRead: () => [],
  resultsWrite: () => [{ Resource: [RESULTS_OBJECTS_ARN] }],
  securityHub: () => [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string, not a JS template
    { Action: ['securityhub:BatchImportFindings'], Resource: [product('product/${AWS::AccountId}/default')] },
    { Action: ['securityhub:BatchUpdateFindings'], Resource: [product('hub/default')] },
  ],
};

function accessStatements(access: Access, opts: RoleOptions): Record<string, unknown>[] {
  if (access === Access.archiveRead) return [];
  const sid = access.charAt(0).toUpperCase() + access.slice(1);
  return ACCESS_STATEMENTS[access](opts).map((s, i, all) => ({
    Sid: all.length > 1 ? `${sid}${i + 1}` : sid,
    Effect: 'Allow',
    Action: [...ACCESS_ACTIONS[access]],
    ...s,
  }));
}

/** What every function needs: its own log group, X-Ray, its async failure queue and the stack's key. */
function baseStatements(fn: DeployedFunction): Record<string, unknown>[] {
  return [
    {
      Sid: 'OwnLogGroup',
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
      Resource: [arn(logicalIds(fn.key).logGroup)],
    },
    // X-Ray accepts no resource-level permissions: `*` is the only form AWS supports.
    {
      Sid: 'XRayTraces',
      Effect: 'Allow',
      Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'],
      Resource: '*',
    },
    {
      Sid: 'AsyncFailureDestination',
      Effect: 'Allow',
      Action: ['sqs:SendMessage'],
      Resource: [arn(STATIC_IDS.failureQueue)],
    },
    // The table, topic, failure queue and environment variables are encrypted with the stack's key.
    {
      Sid: 'StackKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [arn(STATIC_IDS.key)],
    },
  ];
}

/** Whether the configuration leaves anything to grant for an access. */
function inUse(access: Access, opts: RoleOptions): boolean {
  if (access === Access.securityHub) return opts.securityHub;
  if (access === Access.slackWebhooks) return opts.slackParameters.length > 0;
  return true;
}

/**
 * One IAM role per function, trusted by Lambda in this account only, allowed exactly the
 * function's accesses: Security Hub only when enabled in the configuration, SSM only on the
 * configured Slack parameters.
 */
export function roleResources(functions: readonly DeployedFunction[], opts: RoleOptions): CfnFragment {
  const Resources: Record<string, CfnResource> = {};
  for (const fn of functions) {
    const accesses = fn.access.filter((a) => inUse(a, opts));
    const archive = accesses.includes(Access.archiveRead);
    const policies: unknown[] = [
      {
        PolicyName: fn.key,
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [...baseStatements(fn), ...accesses.flatMap((a) => accessStatements(a, opts))],
        },
      },
    ];
    // The archive is the organization's log bucket, named at deploy time: no grant without it.
    if (archive)
      policies.push({
        'Fn::If': [
          BACKFILL_IDS.archiveCondition,
          {
            PolicyName: `${fn.key}-archive`,
            PolicyDocument: { Version: '2012-10-17', Statement: workerArchiveStatements() },
          },
          { Ref: 'AWS::NoValue' },
        ],
      });
    const suppressions: NagSuppression[] = [...XRAY_SUPPRESSIONS];
    if (accesses.includes(Access.resultsWrite) || archive)
      suppressions[0] = {
        ...suppressions[0]!,
        applies_to: undefined,
        reason: `${suppressions[0]!.reason} ${ARCHIVE_OBJECTS}`,
      };
    Resources[logicalIds(fn.key).role] = {
      Type: 'AWS::IAM::Role',
      Metadata: nagMetadata(...suppressions),
      Properties: {
        Description: sub(`tpguard \${AWS::StackName} function ${fn.key}`),
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'lambda.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
        Policies: policies,
      },
    };
  }
  return { Resources };
}

/**
 * What serverless generates for each function, extended: the log group is encrypted with the
 * stack's key (the key policy lets CloudWatch Logs use it for this stack's log groups only), and
 * the function carries its cdk-nag suppressions.
 */
export function functionExtensions(functions: readonly DeployedFunction[]): CfnFragment {
  const extensions: Record<string, CfnExtension> = {};
  for (const fn of functions) {
    const ids = logicalIds(fn.key);
    extensions[ids.logGroup] = { Properties: { KmsKeyId: arn(STATIC_IDS.key) } };
    extensions[ids.fn] = { Metadata: nagMetadata(...FUNCTION_SUPPRESSIONS) };
  }
  return { Resources: {}, extensions };
}

function alarm(
  description: string,
  namespace: string,
  metric: string,
  dimensions: unknown[],
  statistic: string,
): CfnResource {
  return {
    Type: 'AWS::CloudWatch::Alarm',
    Properties: {
      AlarmDescription: sub(`\${AWS::StackName}: ${description}`),
      Namespace: namespace,
      MetricName: metric,
      Dimensions: dimensions,
      Statistic: statistic,
      Period: 300,
      EvaluationPeriods: 1,
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: STATIC_IDS.topic }],
      OKActions: [{ Ref: STATIC_IDS.topic }],
    },
  };
}

/** Errors and throttles of every function, and the depth of every dead-letter queue. */
export function alarmResources(functions: readonly DeployedFunction[], queueIds: readonly string[]): CfnFragment {
  const Resources: Record<string, CfnResource> = {};
  for (const fn of functions) {
    const dims = [{ Name: 'FunctionName', Value: { Ref: logicalIds(fn.key).fn } }];
    const n = logicalIds(fn.key).fn.replace(/LambdaFunction$/, '');
    Resources[`${n}ErrorsAlarm`] = alarm(
      `${fn.key} failed (Errors >= 1 in 5 minutes)`,
      'AWS/Lambda',
      'Errors',
      dims,
      'Sum',
    );
    Resources[`${n}ThrottlesAlarm`] = alarm(
      `${fn.key} throttled (Throttles >= 1 in 5 minutes)`,
      'AWS/Lambda',
      'Throttles',
      dims,
      'Sum',
    );
  }
  for (const q of queueIds) {
    const dims = [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [q, 'QueueName'] } }];
    Resources[`${q}DepthAlarm`] = alarm(
      `messages waiting in ${q} (undelivered events or failed invocations)`,
      'AWS/SQS',
      'ApproximateNumberOfMessagesVisible',
      dims,
      'Maximum',
    );
  }
  return { Resources };
}

/**
 * The member-account rules of the forwarder stack: the same generated patterns, sent to the
 * central account's default bus with a role that may only PutEvents there.
 */
export function forwarderResources(patterns: readonly GeneratedPattern[]): CfnFragment {
  const Resources: Record<string, CfnResource> = {};
  const ruleIds: string[] = [];
  for (const p of patterns) {
    checkPatternSize(p);
    const id = forwardRuleId(p);
    Resources[id] = {
      Type: 'AWS::Events::Rule',
      Properties: {
        State: 'ENABLED',
        EventPattern: p.pattern,
        Targets: [
          {
            Id: 'central',
            Arn: { Ref: STATIC_IDS.centralBusParameter },
            RoleArn: arn(STATIC_IDS.forwarderRole),
            RetryPolicy: TARGET_RETRY_POLICY,
            DeadLetterConfig: { Arn: arn(STATIC_IDS.forwarderDlq) },
          },
        ],
      },
    };
    ruleIds.push(id);
  }
  Resources[`${STATIC_IDS.forwarderDlq}Policy`] = deadLetterQueuePolicy(STATIC_IDS.forwarderDlq, ruleIds);
  return { Resources };
}

/** Merges fragments; a logical id (or output, or extension) defined twice is a bug in the generator. */
export function mergeFragments(...fragments: CfnFragment[]): CfnFragment {
  const Resources: Record<string, CfnResource> = {};
  const Outputs: Record<string, unknown> = {};
  const extensions: Record<string, CfnExtension> = {};
  for (const f of fragments) {
    for (const [id, r] of Object.entries(f.Resources)) {
      if (id in Resources) throw new BuildError(`logical id ${id} generated twice`);
      Resources[id] = r;
    }
    for (const [id, o] of Object.entries(f.Outputs ?? {})) {
      if (id in Outputs) throw new BuildError(`output ${id} generated twice`);
      Outputs[id] = o;
    }
    for (const [id, e] of Object.entries(f.extensions ?? {})) {
      if (id in extensions) throw new BuildError(`extension of ${id} generated twice`);
      extensions[id] = e;
    }
  }
  return {
    Resources,
    ...(Object.keys(Outputs).length > 0 ? { Outputs } : {}),
    ...(Object.keys(extensions).length > 0 ? { extensions } : {}),
  };
}
