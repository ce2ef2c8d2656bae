/**
 * cdk-nag suppressions written into the template, each with its reason: the findings of the
 * AwsSolutions and Serverless packs that are deliberate (test/deploy/package.test.ts runs both
 * packs over the packaged templates and fails on any finding that is neither fixed nor listed
 * here, and on any suppression that no longer matches a finding).
 *
 * The form is cdk-nag's template metadata, `Metadata.cdk_nag.rules_to_suppress`; resources that
 * serverless generates (functions, log groups, the deployment bucket) get it through
 * `resources.extensions`.
 */

/** One suppression: the rule id, why, and optionally the findings of the rule it covers. */
export interface NagSuppression {
  id: string;
  /** At least one sentence: what makes the finding deliberate. */
  reason: string;
  /** Findings of the rule this covers (`Resource::*`); all of the rule's findings on the resource when absent. */
  applies_to?: string[];
}

/**
 * The `Metadata` of a resource carrying suppressions.
 * @example { Type: 'AWS::IAM::Role', Metadata: nagMetadata(...XRAY_SUPPRESSIONS), Properties: {...} }
 */
export const nagMetadata = (...rules: NagSuppression[]) => ({ cdk_nag: { rules_to_suppress: rules } });

const XRAY =
  'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions, so Resource "*" is the only form AWS accepts (statement XRayTraces); every other statement names its resources.';

/** The function roles: X-Ray is the one statement on `*`. */
export const XRAY_SUPPRESSIONS: readonly NagSuppression[] = [
  { id: 'AwsSolutions-IAM5', reason: XRAY, applies_to: ['Resource::*'] },
  { id: 'Serverless-LambdaStarPermissions', reason: XRAY },
];

const STATE_READ =
  'The baseline reads the current state read-only: X-Ray, and the listing actions config:ListDiscoveredResources, config:BatchGetResourceConfig, sagemaker:List*Jobs and bedrock:ListModelCustomizationJobs, support no resource-level permissions (Resource "*" is the only form AWS accepts); describes and aggregator reads are scoped to this account and region (training-job/*, processing-job/*, hyper-parameter-tuning-job/*, model-customization-job/*, config-aggregator/*), any of which a baseline may read.';

/** The baseline's role: X-Ray, the listing actions on `*`, describes of any job of the account. */
export const STATE_READ_SUPPRESSIONS: readonly NagSuppression[] = [
  { id: 'AwsSolutions-IAM5', reason: STATE_READ },
  { id: 'Serverless-LambdaStarPermissions', reason: STATE_READ },
];

const RUNTIME =
  'The functions run on nodejs24.x on purpose: Node.js 24 is the active LTS line, the one osls, esbuild and the `node` dev dependency (which runs the tests) support, while cdk-nag compares with the newest runtime aws-cdk-lib lists (nodejs26.x, not yet LTS).';

/** The functions: the runtime, and failed invocations handled by an on-failure destination. */
export const FUNCTION_SUPPRESSIONS: readonly NagSuppression[] = [
  { id: 'AwsSolutions-L1', reason: RUNTIME },
  { id: 'Serverless-LambdaLatestVersion', reason: RUNTIME },
  {
    id: 'Serverless-LambdaDLQ',
    reason:
      'Failed asynchronous invocations go to FunctionFailureQueue through an on-failure destination (EventInvokeConfig), which keeps the error and the request; a DeadLetterConfig as well would only add a second copy without them.',
  },
];

/** A queue that is itself a dead-letter queue (the events DLQ, the failure queue, the forwarder DLQ). */
export const DEAD_LETTER_QUEUE_SUPPRESSIONS = (whose: string): NagSuppression[] => [
  {
    id: 'AwsSolutions-SQS3',
    reason: `This queue is the dead-letter queue of ${whose}; cdk-nag only recognises queues named in another queue's RedrivePolicy or a function's DeadLetterConfig.`,
  },
  {
    id: 'Serverless-SQSRedrivePolicy',
    reason:
      'A dead-letter queue needs no dead-letter queue of its own: messages stay 14 days and its depth alarm reports the first one.',
  },
];

/** The bucket serverless creates for the deployment artifacts (both stacks). */
export const DEPLOYMENT_BUCKET_SUPPRESSIONS: readonly NagSuppression[] = [
  {
    id: 'AwsSolutions-S1',
    reason:
      'The serverless deployment bucket holds only the packaged templates and function zips, written by the deploying principal, with public access blocked and TLS enforced; CloudTrail records who deploys, and server access logs would need a log bucket per account and region for no finding of their own.',
  },
];

/**
 * The suppressions of the resources a stack defines in its serverless.yml or serverless
 * generates, as `resources.extensions`.
 * @example mergeFragments(..., staticSuppressions({ EventsDeadLetterQueue: DEAD_LETTER_QUEUE_SUPPRESSIONS('...') }))
 */
export function suppressionExtensions(byLogicalId: Readonly<Record<string, readonly NagSuppression[]>>) {
  return Object.fromEntries(
    Object.entries(byLogicalId).map(([id, rules]) => [id, { Metadata: nagMetadata(...rules) }]),
  );
}
