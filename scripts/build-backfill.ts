import { logicalIds } from './build-functions.js';
import { nagMetadata } from './build-nag.js';
import { type CfnFragment, type CfnResource, STATIC_IDS } from './build-stack.js';

/**
 * The backfill state machine (issue 18): the archive scan fanned out on Step Functions
 * Distributed Map, generated here and validated by test/deploy/backfill-asl.test.ts (asl-validator
 * and the Distributed Map rules it does not check).
 *
 *   Plan         the worker lists the account and region folders the range needs (delimiter
 *                listings) and writes the prefixes to list, `[{"prefix": ...}]`, to the results bucket
 *   Prefixes     Distributed Map over that manifest (S3 item reader, s3:getObject, JSON): one child
 *                workflow per prefix, `prefixConcurrency` at a time
 *     Objects    Distributed Map over the prefix (S3 item reader, s3:listObjectsV2), 50 objects per
 *                batch (ItemBatcher), one backfill-worker invocation per batch, `batchConcurrency`
 *                at a time; the verdicts written as JSON lines by the ResultWriter (FLATTEN)
 *
 * Two levels because the archive is laid out account / region / date: a date range is one prefix
 * per account, region and month (or day), and an item reader lists one prefix. The Lambda
 * concurrency of a run is at most prefixConcurrency x batchConcurrency (the CLI's `--concurrency`,
 * default 50 = 5 x 10), and the worker's reserved concurrency caps it whatever the input says.
 */

/** Logical ids of the backfill resources. */
export const BACKFILL_IDS = {
  stateMachine: 'BackfillStateMachine',
  role: 'BackfillStateMachineRole',
  logGroup: 'BackfillLogGroup',
  results: 'BackfillResultsBucket',
  resultsPolicy: 'BackfillResultsBucketPolicy',
  archiveCondition: 'HasArchiveBucket',
  archiveKeyCondition: 'HasArchiveKey',
  archiveBucketParameter: 'ArchiveBucket',
  archiveKeyParameter: 'ArchiveKeyArn',
} as const;

/** The worker's function key in serverless.yml. */
export const BACKFILL_WORKER = 'backfillWorker';

/** Objects per batch: CloudTrail writes files of up to a few MB, so ~50 objects are ~50k records. */
export const MAX_ITEMS_PER_BATCH = 50;
/**
 * The batch's input JSON, not the objects' bytes: Step Functions caps it at 256 KiB, so "64 MB
 * per batch" cannot be expressed; 50 keys of ~120 bytes are far below it.
 */
export const MAX_INPUT_BYTES_PER_BATCH = 262_144;
/** Map labels: they name the map runs (`<state machine>/<label>:<id>`). */
export const MAP_LABELS = { prefixes: 'Prefixes', objects: 'Objects' } as const;
/** Longest a whole backfill may run (a Standard workflow may run a year; a week is plenty). */
export const BACKFILL_TIMEOUT_SECONDS = 7 * 24 * 3600;

/** Placeholders CloudFormation fills from `DefinitionSubstitutions`. */
export const SUBSTITUTIONS = {
  worker: 'BackfillWorkerArn',
  results: 'ResultsBucket',
  archive: 'ArchiveBucket',
} as const;
const ph = (name: string) => `\${${name}}`;

/** Lambda's own transient failures, and a worker that met an archive object it may read later. */
const WORKER_RETRY = [
  {
    ErrorEquals: [
      'Lambda.ServiceException',
      'Lambda.AWSLambdaException',
      'Lambda.SdkClientException',
      'Lambda.TooManyRequestsException',
    ],
    IntervalSeconds: 2,
    MaxAttempts: 6,
    BackoffRate: 2,
    MaxDelaySeconds: 60,
    JitterStrategy: 'FULL',
  },
  { ErrorEquals: ['ArchiveReadError'], IntervalSeconds: 10, MaxAttempts: 3, BackoffRate: 2, JitterStrategy: 'FULL' },
];

const invokeWorker = (payload: Record<string, unknown>) => ({
  Type: 'Task',
  Resource: 'arn:aws:states:::lambda:invoke',
  Parameters: { FunctionName: ph(SUBSTITUTIONS.worker), ...payload },
  Retry: WORKER_RETRY,
});

const MAP_FAILURES = ['States.ExceedToleratedFailureThreshold', 'States.ItemReaderFailed', 'States.ResultWriterFailed'];

/** The inner map: one prefix listed, batched, scanned. */
function objectsMap(): Record<string, unknown> {
  return {
    Type: 'Map',
    Label: MAP_LABELS.objects,
    ItemReader: {
      Resource: 'arn:aws:states:::s3:listObjectsV2',
      Parameters: { Bucket: ph(SUBSTITUTIONS.archive), 'Prefix.$': '$.prefix' },
    },
    ItemSelector: { 'key.$': '$$.Map.Item.Value.Key', 'size.$': '$$.Map.Item.Value.Size' },
    ItemBatcher: {
      MaxItemsPerBatch: MAX_ITEMS_PER_BATCH,
      MaxInputBytesPerBatch: MAX_INPUT_BYTES_PER_BATCH,
      BatchInput: {
        bucket: ph(SUBSTITUTIONS.archive),
        'kind.$': '$.kind',
        'runId.$': '$.runId',
        'record.$': '$.record',
        resultsBucket: ph(SUBSTITUTIONS.results),
        'resultsPrefix.$': '$.resultsPrefix',
      },
    },
    MaxConcurrencyPath: '$.batchConcurrency',
    ToleratedFailurePercentagePath: '$.toleratedFailurePercentage',
    ItemProcessor: {
      ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
      StartAt: 'ScanBatch',
      States: {
        ScanBatch: {
          ...invokeWorker({ 'Payload.$': '$' }),
          OutputPath: '$.Payload',
          TimeoutSeconds: 900,
          End: true,
        },
      },
    },
    ResultWriter: {
      Resource: 'arn:aws:states:::s3:putObject',
      Parameters: {
        Bucket: ph(SUBSTITUTIONS.results),
        'Prefix.$': "States.Format('{}verdicts', $.resultsPrefix)",
      },
      WriterConfig: { OutputType: 'JSONL', Transformation: 'FLATTEN' },
    },
    ResultPath: null,
    End: true,
  };
}

/**
 * The backfill state machine's definition (Amazon States Language, JSONPath), with `${...}`
 * placeholders for the worker, the results bucket and the archive bucket.
 * @example JSON.stringify(backfillDefinition())
 */
export function backfillDefinition(): Record<string, unknown> {
  return {
    Comment:
      'tpguard backfill: archived CloudTrail/Config objects of a date range, scanned by backfill-worker in batches (issue 18)',
    TimeoutSeconds: BACKFILL_TIMEOUT_SECONDS,
    StartAt: 'Plan',
    States: {
      Plan: {
        ...invokeWorker({
          Payload: {
            action: 'plan',
            bucket: ph(SUBSTITUTIONS.archive),
            'prefix.$': '$.prefix',
            'kind.$': '$.kind',
            'from.$': '$.from',
            'to.$': '$.to',
            'accounts.$': '$.accounts',
            'regions.$': '$.regions',
            'runId.$': '$$.Execution.Name',
            resultsBucket: ph(SUBSTITUTIONS.results),
          },
        }),
        TimeoutSeconds: 900,
        ResultSelector: { 'manifestKey.$': '$.Payload.manifestKey', 'resultsPrefix.$': '$.Payload.resultsPrefix' },
        ResultPath: '$.plan',
        Next: MAP_LABELS.prefixes,
      },
      [MAP_LABELS.prefixes]: {
        Type: 'Map',
        Label: MAP_LABELS.prefixes,
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          ReaderConfig: { InputType: 'JSON' },
          Parameters: { Bucket: ph(SUBSTITUTIONS.results), 'Key.$': '$.plan.manifestKey' },
        },
        ItemSelector: {
          'prefix.$': '$$.Map.Item.Value.prefix',
          'kind.$': '$.kind',
          'record.$': '$.record',
          'runId.$': '$$.Execution.Name',
          'resultsPrefix.$': '$.plan.resultsPrefix',
          'batchConcurrency.$': '$.batchConcurrency',
          'toleratedFailurePercentage.$': '$.toleratedFailurePercentage',
        },
        MaxConcurrencyPath: '$.prefixConcurrency',
        ToleratedFailurePercentagePath: '$.toleratedFailurePercentage',
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: MAP_LABELS.objects,
          States: { [MAP_LABELS.objects]: objectsMap() },
        },
        ResultWriter: {
          Resource: 'arn:aws:states:::s3:putObject',
          Parameters: {
            Bucket: ph(SUBSTITUTIONS.results),
            'Prefix.$': "States.Format('{}prefixes', $.plan.resultsPrefix)",
          },
        },
        ResultPath: '$.prefixes',
        Catch: [{ ErrorEquals: MAP_FAILURES, ResultPath: '$.error', Next: 'Failed' }],
        Next: 'Done',
      },
      Failed: {
        Type: 'Fail',
        Error: 'BackfillFailed',
        Cause:
          'More prefixes or batches failed than tolerated, or a listing or result write failed: see the map runs and the FAILED_*.json of the results prefix',
      },
      Done: { Type: 'Succeed' },
    },
  };
}

const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });
const sub = (s: string) => ({ 'Fn::Sub': s });
const ifArchive = (value: unknown) => ({ 'Fn::If': [BACKFILL_IDS.archiveCondition, value, { Ref: 'AWS::NoValue' }] });

/** The state machine's name, known before it exists (its role must name it: no circular reference). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: serverless variables, resolved at package time
export const STATE_MACHINE_NAME = '${self:service}-${sls:stage}-backfill';
const STATES_ARN = `arn:\${AWS::Partition}:states:\${AWS::Region}:\${AWS::AccountId}`;
/** The archive bucket, by the name given at deploy time (`--param archiveBucket=...`). */
// biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
export const ARCHIVE_BUCKET_ARN = sub('arn:${AWS::Partition}:s3:::${ArchiveBucket}');
/** Where every object of a run goes in the results bucket: `backfill/<execution name>/`. */
export const RESULTS_OBJECTS_ARN = sub(`\${${BACKFILL_IDS.results}.Arn}/backfill/*`);
/** The keys a CloudTrail or Config archive writes, at the bucket's root or under a trail prefix. */
export const ARCHIVE_KEY_PREFIXES = ['AWSLogs/*', '*/AWSLogs/*'] as const;

const VENDED_LOGS =
  'Step Functions delivers execution logs through CloudWatch Logs vended log deliveries, whose actions (CreateLogDelivery, PutResourcePolicy, ...) accept only Resource "*" (https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html); X-Ray PutTraceSegments and PutTelemetryRecords have no resource-level permissions either.';
const CHILD_EXECUTIONS =
  'A Distributed Map starts one child execution per item or batch, named by Step Functions: DescribeExecution and StopExecution are granted on the executions of this state machine only (execution:<name>:* and its map runs execution:<name>/*), as https://docs.aws.amazon.com/step-functions/latest/dg/iam-policies-eg-dist-map.html prescribes.';
const RESULT_OBJECTS =
  "The ResultWriter and the prefix manifest use keys Step Functions and the worker choose under backfill/<execution>/ of the stack's own results bucket: the grant is that prefix, not the bucket.";
const ARCHIVE_OBJECTS =
  "The archive bucket is the organization's CloudTrail/Config log bucket named at deploy time; its objects are read under AWSLogs/ (at the root or under a trail prefix), with keys CloudTrail and Config choose.";

/**
 * The statements of the state machine's role, each from the Step Functions documentation:
 * Lambda task (lambda:InvokeFunction on the worker), Distributed Map (StartExecution of itself,
 * Describe/StopExecution and RedriveExecution of its child executions), the S3 item readers
 * (s3:GetObject on the manifest, s3:ListBucket on the archive under AWSLogs/), the ResultWriter
 * (PutObject, GetObject, ListMultipartUploadParts, AbortMultipartUpload on the results prefix) and
 * the stack key the results bucket is encrypted with; logging and X-Ray.
 */
export function stateMachineStatements(): Record<string, unknown>[] {
  return [
    {
      Sid: 'InvokeWorker',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      Resource: [arn(logicalIds(BACKFILL_WORKER).fn), sub(`\${${logicalIds(BACKFILL_WORKER).fn}.Arn}:*`)],
    },
    {
      Sid: 'StartChildWorkflows',
      Effect: 'Allow',
      Action: ['states:StartExecution'],
      Resource: [sub(`${STATES_ARN}:stateMachine:${STATE_MACHINE_NAME}`)],
    },
    {
      Sid: 'TrackChildWorkflows',
      Effect: 'Allow',
      Action: ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
      Resource: [
        sub(`${STATES_ARN}:execution:${STATE_MACHINE_NAME}:*`),
        sub(`${STATES_ARN}:execution:${STATE_MACHINE_NAME}/*`),
      ],
    },
    {
      Sid: 'ResultWriterAndManifest',
      Effect: 'Allow',
      Action: ['s3:PutObject', 's3:GetObject', 's3:ListMultipartUploadParts', 's3:AbortMultipartUpload'],
      Resource: [RESULTS_OBJECTS_ARN],
    },
    {
      Sid: 'ResultsKey',
      Effect: 'Allow',
      Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
      Resource: [arn(STATIC_IDS.key)],
    },
    ifArchive({
      Sid: 'ItemReaderListArchive',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [ARCHIVE_BUCKET_ARN],
      Condition: { StringLike: { 's3:prefix': [...ARCHIVE_KEY_PREFIXES] } },
    }),
    {
      Sid: 'VendedLogDeliveries',
      Effect: 'Allow',
      Action: [
        'logs:CreateLogDelivery',
        'logs:GetLogDelivery',
        'logs:UpdateLogDelivery',
        'logs:DeleteLogDelivery',
        'logs:ListLogDeliveries',
        'logs:PutResourcePolicy',
        'logs:DescribeResourcePolicies',
        'logs:DescribeLogGroups',
      ],
      Resource: '*',
    },
    {
      Sid: 'XRayTraces',
      Effect: 'Allow',
      Action: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
      Resource: '*',
    },
  ];
}

/** The archive statements of the worker's role (only with `archiveBucket`; the key only with `archiveKeyArn`). */
export function workerArchiveStatements(): Record<string, unknown>[] {
  return [
    {
      Sid: 'ListArchive',
      Effect: 'Allow',
      Action: ['s3:ListBucket'],
      Resource: [ARCHIVE_BUCKET_ARN],
      Condition: { StringLike: { 's3:prefix': [...ARCHIVE_KEY_PREFIXES, ''] } },
    },
    {
      Sid: 'ReadArchive',
      Effect: 'Allow',
      Action: ['s3:GetObject'],
      Resource: ARCHIVE_KEY_PREFIXES.map((p) => sub(`arn:\${AWS::Partition}:s3:::\${ArchiveBucket}/${p}`)),
    },
    {
      'Fn::If': [
        BACKFILL_IDS.archiveKeyCondition,
        {
          Sid: 'ArchiveKey',
          Effect: 'Allow',
          Action: ['kms:Decrypt'],
          Resource: [{ Ref: BACKFILL_IDS.archiveKeyParameter }],
          // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
          Condition: { StringEquals: { 'kms:ViaService': sub('s3.${AWS::Region}.amazonaws.com') } },
        },
        { Ref: 'AWS::NoValue' },
      ],
    },
  ];
}

const denyInsecure = (bucketId: string) => ({
  Sid: 'DenyInsecureTransport',
  Effect: 'Deny',
  Principal: '*',
  Action: 's3:*',
  Resource: [arn(bucketId), sub(`\${${bucketId}.Arn}/*`)],
  Condition: { Bool: { 'aws:SecureTransport': 'false' } },
});

/**
 * The state machine, its role and log group, and the results bucket (encrypted with the stack key,
 * public access blocked, TLS only, results expire after 400 days like drift history).
 * @example mergeFragments(..., backfillResources())
 */
export function backfillResources(): CfnFragment {
  const Resources: Record<string, CfnResource> = {
    [BACKFILL_IDS.results]: {
      Type: 'AWS::S3::Bucket',
      Metadata: nagMetadata({
        id: 'AwsSolutions-S1',
        reason:
          'The results bucket holds only what the backfill state machine and worker write (verdicts, manifests); Step Functions and CloudTrail record every write, and server access logs would need a log bucket per account and region for no finding of their own.',
      }),
      Properties: {
        BucketEncryption: {
          ServerSideEncryptionConfiguration: [
            {
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: arn(STATIC_IDS.key) },
              BucketKeyEnabled: true,
            },
          ],
        },
        PublicAccessBlockConfiguration: {
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LifecycleConfiguration: {
          Rules: [
            {
              Id: 'expire-backfill-results',
              Status: 'Enabled',
              ExpirationInDays: 400,
              AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
            },
          ],
        },
      },
    },
    [BACKFILL_IDS.resultsPolicy]: {
      Type: 'AWS::S3::BucketPolicy',
      Properties: {
        Bucket: { Ref: BACKFILL_IDS.results },
        PolicyDocument: { Version: '2012-10-17', Statement: [denyInsecure(BACKFILL_IDS.results)] },
      },
    },
    [BACKFILL_IDS.logGroup]: {
      Type: 'AWS::Logs::LogGroup',
      Properties: {
        LogGroupName: `/aws/vendedlogs/states/${STATE_MACHINE_NAME}`,
        RetentionInDays: 400,
        KmsKeyId: arn(STATIC_IDS.key),
      },
    },
    [BACKFILL_IDS.role]: {
      Type: 'AWS::IAM::Role',
      Metadata: nagMetadata({
        id: 'AwsSolutions-IAM5',
        reason: `${VENDED_LOGS} ${CHILD_EXECUTIONS} ${RESULT_OBJECTS} The worker is also granted with its version qualifier (:*), as Step Functions may invoke a version.`,
        applies_to: [
          'Resource::*',
          `Resource::<${BACKFILL_IDS.results}.Arn>/backfill/*`,
          `Resource::<${logicalIds(BACKFILL_WORKER).fn}.Arn>:*`,
          `Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${STATE_MACHINE_NAME}/*`,
          `Resource::arn:<AWS::Partition>:states:<AWS::Region>:<AWS::AccountId>:execution:${STATE_MACHINE_NAME}:*`,
        ],
      }),
      Properties: {
        // biome-ignore lint/suspicious/noTemplateCurlyInString: a CloudFormation Fn::Sub string
        Description: sub('tpguard ${AWS::StackName}: backfill state machine'),
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Principal: { Service: 'states.amazonaws.com' },
              Action: 'sts:AssumeRole',
              Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
            },
          ],
        },
        Policies: [
          {
            PolicyName: 'backfill-state-machine',
            PolicyDocument: { Version: '2012-10-17', Statement: stateMachineStatements() },
          },
        ],
      },
    },
    [BACKFILL_IDS.stateMachine]: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineName: STATE_MACHINE_NAME,
        StateMachineType: 'STANDARD',
        RoleArn: arn(BACKFILL_IDS.role),
        Definition: backfillDefinition(),
        DefinitionSubstitutions: {
          [SUBSTITUTIONS.worker]: arn(logicalIds(BACKFILL_WORKER).fn),
          [SUBSTITUTIONS.results]: { Ref: BACKFILL_IDS.results },
          [SUBSTITUTIONS.archive]: { Ref: BACKFILL_IDS.archiveBucketParameter },
        },
        LoggingConfiguration: {
          Level: 'ALL',
          IncludeExecutionData: false,
          Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: arn(BACKFILL_IDS.logGroup) } }],
        },
        TracingConfiguration: { Enabled: true },
      },
    },
  };
  const Outputs = {
    BackfillStateMachineArn: {
      Description: 'tpguard backfill (npm run backfill)',
      Value: { Ref: BACKFILL_IDS.stateMachine },
    },
    BackfillResultsBucket: { Description: 'Where backfill verdicts are written', Value: { Ref: BACKFILL_IDS.results } },
    ArchiveBucket: {
      Description: 'The archive the backfill reads',
      Value: { Ref: BACKFILL_IDS.archiveBucketParameter },
    },
  };
  return { Resources, Outputs };
}

export { ARCHIVE_OBJECTS };
