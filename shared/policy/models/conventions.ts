/**
 * How CloudTrail, GuardDuty, AWS Config and the state-change events write an API shape as JSON:
 * the naming rules per protocol, and every exception to them, each with the public record that
 * shows it (the public events in test/corpus/public/, each with its source and license in INDEX.md
 * there). The resolver (views.ts) is generic; this file is the knowledge.
 */

/** First letter lower-cased, the rest kept (CloudTrail's rule: `TrailARN` -> `trailARN`, `KmsKeyId` -> `kmsKeyId`). */
export const lcfirst = (s: string): string => (s ? s[0]!.toLowerCase() + s.slice(1) : s);

/** An exception to the naming rules, with the evidence for it. */
export interface Exception {
  service: string;
  what: string;
  evidence: string;
}

/** A CloudTrail eventName that is not the API operation's name. */
interface OperationAlias {
  service: string;
  match: RegExp;
  to: (m: RegExpExecArray) => string;
  why: string;
  evidence: string;
}

export const EVENT_NAME_TO_OPERATION: readonly OperationAlias[] = [
  {
    service: 'lambda.amazonaws.com',
    match: /^(.+?)\d{8}(v\d+)?$/,
    to: (m) => m[1]!,
    why: 'Lambda logs the API version in the eventName: UpdateFunctionCode20150331v2, PutFunctionConcurrency20171031',
    evidence: 'AWS Lambda developer guide, "Logging AWS Lambda API calls using AWS CloudTrail" (eventName examples)',
  },
  {
    service: 's3.amazonaws.com',
    match: /^PutBucketLifecycle$/,
    to: () => 'PutBucketLifecycleConfiguration',
    why: 'S3 logs PutBucketLifecycleConfiguration as PutBucketLifecycle (its body has <Filter>, a V2-only element)',
    evidence: 'panther-analysis aws_s3_lifecycle tests: requestParameters.LifecycleConfiguration.Rule.Filter',
  },
  {
    service: 's3.amazonaws.com',
    match: /^(Get|Put|Delete)BucketPublicAccessBlock$/,
    to: (m) => `${m[1]}PublicAccessBlock`,
    why: 'S3 logs the bucket-level PutPublicAccessBlock/DeletePublicAccessBlock as ...BucketPublicAccessBlock',
    evidence: 'ct_s3_DeleteBucketPublicAccessBlock.json (panther-analysis): eventName DeleteBucketPublicAccessBlock',
  },
];

/**
 * The API operation of a CloudTrail eventName, among the operations a model has.
 * @example operationFor('lambda.amazonaws.com', 'UpdateFunctionCode20150331v2', ops).op // 'UpdateFunctionCode'
 */
export function operationFor(service: string, eventName: string, operations: readonly string[]): { op?: string } {
  for (const alias of EVENT_NAME_TO_OPERATION) {
    if (alias.service !== service) continue;
    const m = alias.match.exec(eventName);
    if (m && operations.includes(alias.to(m))) return { op: alias.to(m) };
  }
  return operations.includes(eventName) ? { op: eventName } : {};
}

/** How CloudTrail names request members, per protocol (the rule; exceptions below). */
export const PROTOCOL_CONVENTIONS: Readonly<Record<string, { rule: string; evidence: string }>> = {
  json: {
    rule: 'first letter lower-cased, the rest kept (acronyms too): TrailARN -> trailARN, KmsKeyId -> kmsKeyId',
    evidence:
      'aws.defense-evasion.cloudtrail-event-selectors.json (stratus-red-team): responseElements.trailARN, eventSelectors[].includeManagementEvents',
  },
  'rest-json': {
    rule: 'the JSON name when the model has one, else first letter lower-cased; URI labels lower-cased (detectorId, functionName)',
    evidence: 'event-cloud-trail-bedrock-create-customization-jobs.json (cloud-custodian): jobName, customModelName',
  },
  query: {
    rule: 'first letter lower-cased; policy documents are strings (URL-encoded in responseElements)',
    evidence:
      'aws.persistence.iam-create-backdoor-role.json (stratus-red-team): assumeRolePolicyDocument, responseElements.role.assumeRolePolicyDocument',
  },
  ec2: {
    rule: 'the XML name or first letter lower-cased; every list is an object {items: [...]} ({} when empty)',
    evidence:
      'ct_ec2_AuthorizeSecurityGroupIngress_console.json (panther-analysis): ipPermissions.items[].ipRanges.items[].cidrIp, prefixListIds: {}',
  },
  'rest-xml': {
    rule: 'URI label Bucket -> bucketName; HTTP headers under the header name (lists of strings); the XML body under its root element name (VersioningConfiguration) with XML element names inside; one element logged as an object, several as a list',
    evidence:
      'ct_s3_PutBucketVersioning_suspended.json and ct_s3_PutBucketAcl.json (panther-analysis): bucketName, host, VersioningConfiguration.Status, x-amz-acl: ["private"]',
  },
};

/** Keys CloudTrail adds that no API member has. */
export interface ExtraKeys {
  service: string;
  ops: '*' | readonly string[];
  side: 'req' | 'resp';
  keys: readonly string[];
  evidence: string;
}

export const EXTRA_KEYS: readonly ExtraKeys[] = [
  {
    service: 's3.amazonaws.com',
    ops: '*',
    side: 'req',
    keys: ['Host', 'host'],
    evidence: 'ct_s3_PutBucketVersioning_suspended.json (panther-analysis): host',
  },
  {
    service: 's3.amazonaws.com',
    ops: '*',
    side: 'req',
    keys: [
      'acl',
      'policy',
      'versioning',
      'encryption',
      'publicAccessBlock',
      'lifecycle',
      'logging',
      'object-lock',
      'tagging',
      'cors',
      'website',
      'replication',
    ],
    evidence:
      'the sub-resource marker of the call, always empty: ct_s3_PutBucketAcl.json (acl: [""]), ct_s3_DeleteBucketEncryption.json (encryption: ""), panther-analysis',
  },
  {
    service: 'ec2.amazonaws.com',
    ops: '*',
    side: 'resp',
    keys: ['_return', 'requestId'],
    evidence: 'ct_ec2_AuthorizeSecurityGroupIngress_console.json (panther-analysis) responseElements',
  },
  {
    service: 'kms.amazonaws.com',
    ops: ['PutKeyPolicy', 'DisableKey', 'EnableKey', 'CancelKeyDeletion'],
    side: 'resp',
    keys: ['keyId'],
    evidence:
      'ct_kms_PutKeyPolicy_restricted.json (panther-analysis): responseElements.keyId although PutKeyPolicy has no output',
  },
];

/** XML namespace attributes S3 keeps as keys on any element of a body. */
export const S3_XML_ATTRIBUTE_KEYS: readonly string[] = ['xmlns', 'xmlns:xsi'];
export const S3_XML_ATTRIBUTE_EVIDENCE =
  'Amazon S3 user guide, CloudTrail example of PutBucketAcl: AccessControlPolicy.xmlns, Grantee["xmlns:xsi"]';

/** CloudTrail truncates an oversized field to `{omitted: true, originalSize: N}`. */
export const TRUNCATED_FIELD_KEYS: readonly string[] = ['omitted', 'originalSize'];

/** Members CloudTrail logs under another key, or in another form, than the model says. */
export interface RenamedMember {
  service: string;
  op: string;
  member: string;
  key: string;
  /** `document`: the parsed JSON of the model's string member, any keys inside. */
  shape?: 'document';
  evidence: string;
}

export const RENAMED_MEMBERS: readonly RenamedMember[] = [
  {
    service: 's3.amazonaws.com',
    op: 'PutBucketPolicy',
    member: 'Policy',
    key: 'bucketPolicy',
    shape: 'document',
    evidence:
      'ct_s3_PutBucketPolicy_public.json (panther-analysis): requestParameters.bucketPolicy is the policy as an object',
  },
  {
    service: 's3.amazonaws.com',
    op: '*',
    member: 'Bucket',
    key: 'bucketName',
    evidence: 'every S3 record: ct_s3_*.json (panther-analysis), event-cloud-trail-s3.json (cloud-custodian)',
  },
];

/** Every exception to the naming rules, for docs/rules.md: aliases, extra keys, XML attributes, renames. */
export const EXCEPTIONS: readonly Exception[] = [
  ...EVENT_NAME_TO_OPERATION.map((a) => ({ service: a.service, what: a.why, evidence: a.evidence })),
  ...EXTRA_KEYS.map((x) => ({
    service: x.service,
    what: `extra ${x.side === 'req' ? 'request' : 'response'} keys ${x.keys.join(', ')}`,
    evidence: x.evidence,
  })),
  {
    service: 's3.amazonaws.com',
    what: 'XML namespace attributes xmlns, xmlns:xsi',
    evidence: S3_XML_ATTRIBUTE_EVIDENCE,
  },
  ...RENAMED_MEMBERS.map((r) => ({
    service: r.service,
    what: `${r.op === '*' ? 'every operation' : r.op}: ${r.member} logged as ${r.key}${r.shape ? ' (a parsed document)' : ''}`,
    evidence: r.evidence,
  })),
];

/** Where the `configuration` and `supplementaryConfiguration` of a Config item are described. */
export type ConfigPart =
  | { from: 'cfn'; type: string }
  | { from: 'api'; service: string; op: string; path: readonly string[]; renames?: Readonly<Record<string, string>> }
  | { from: 'table'; paths: readonly string[] };

export interface ConfigItemSource {
  configuration: ConfigPart;
  supplementary: ConfigPart;
  evidence: string;
}

const NONE: ConfigPart = { from: 'table', paths: [] };

export const CONFIG_ITEM_SOURCES: Readonly<Record<string, ConfigItemSource>> = {
  'AWS::ECR::Repository': {
    configuration: { from: 'cfn', type: 'AWS::ECR::Repository' },
    supplementary: NONE,
    evidence:
      'AWS_ECR_Repository.json (aws-config-rdk): ImageScanningConfiguration.ScanOnPush, ImageTagMutability (CloudFormation property names)',
  },
  'AWS::SageMaker::NotebookInstance': {
    configuration: { from: 'cfn', type: 'AWS::SageMaker::NotebookInstance' },
    supplementary: NONE,
    evidence:
      'awslabs/aws-config-resource-schema AWS::SageMaker::NotebookInstance: DirectInternetAccess, RootAccess, KmsKeyId, SubnetId',
  },
  'AWS::KMS::Key': {
    configuration: {
      from: 'api',
      service: 'kms.amazonaws.com',
      op: 'DescribeKey',
      path: ['KeyMetadata'],
      renames: { AWSAccountId: 'awsaccountId' },
    },
    supplementary: { from: 'table', paths: ['Policy{}', 'KeyRotationStatus'] },
    evidence:
      'AWS_KMS_Key.json (aws-config-rdk): keyState, keyManager, awsaccountId (DescribeKey KeyMetadata, first letter lower-cased; AWSAccountId -> awsaccountId); supplementaryConfiguration.Policy',
  },
  'AWS::IAM::Role': {
    configuration: {
      from: 'api',
      service: 'iam.amazonaws.com',
      op: 'GetAccountAuthorizationDetails',
      path: ['RoleDetailList', '[]'],
    },
    supplementary: NONE,
    evidence:
      'AWS_IAM_Role.json (aws-config-rdk): roleName, assumeRolePolicyDocument, attachedManagedPolicies[].policyArn (IAM RoleDetail)',
  },
  'AWS::S3::Bucket': {
    // No API shape matches: Config writes its own (Java bean) names. Kept by hand from real items.
    configuration: { from: 'table', paths: ['name', 'owner.id', 'owner.displayName', 'creationDate'] },
    supplementary: {
      from: 'table',
      paths: [
        'AccessControlList.grantList[].grantee.id',
        'AccessControlList.grantList[].grantee.displayName',
        'AccessControlList.grantList[].grantee.identifier',
        'AccessControlList.grantList[].permission',
        'AccessControlList.grantSet',
        'AccessControlList.owner.id',
        'AccessControlList.owner.displayName',
        'AccessControlList.isRequesterCharged',
        'BucketAccelerateConfiguration.status',
        'BucketLoggingConfiguration.destinationBucketName',
        'BucketLoggingConfiguration.logFilePrefix',
        'BucketNotificationConfiguration.configurations',
        'BucketPolicy.policyText',
        'BucketVersioningConfiguration.status',
        'BucketVersioningConfiguration.isMfaDeleteEnabled',
        'BucketTaggingConfiguration.tagSets[].tags{}',
        'IsRequesterPaysEnabled',
        'BucketLifecycleConfiguration.rules[].id',
        'BucketLifecycleConfiguration.rules[].status',
        'BucketLifecycleConfiguration.rules[].expirationInDays',
        'BucketLifecycleConfiguration.rules[].expirationDate',
        'BucketLifecycleConfiguration.rules[].noncurrentVersionExpirationInDays',
        'BucketReplicationConfiguration.roleARN',
        'ObjectLockConfiguration.objectLockEnabled',
        'ObjectLockConfiguration.rule.defaultRetention.mode',
        'ObjectLockConfiguration.rule.defaultRetention.days',
        'ObjectLockConfiguration.rule.defaultRetention.years',
        'PublicAccessBlockConfiguration.blockPublicAcls',
        'PublicAccessBlockConfiguration.ignorePublicAcls',
        'PublicAccessBlockConfiguration.blockPublicPolicy',
        'PublicAccessBlockConfiguration.restrictPublicBuckets',
        'ServerSideEncryptionConfiguration.rules[].applyServerSideEncryptionByDefault.sseAlgorithm',
        'ServerSideEncryptionConfiguration.rules[].applyServerSideEncryptionByDefault.kmsMasterKeyID',
        'ServerSideEncryptionConfiguration.rules[].bucketKeyEnabled',
      ],
    },
    evidence:
      'AWS_S3_Bucket.json (aws-config-rdk) and s3.json (cloud-custodian): BucketVersioningConfiguration.status, BucketPolicy.policyText; awslabs/aws-config-resource-schema AWS::S3::Bucket: PublicAccessBlockConfiguration.*, ServerSideEncryptionConfiguration.rules[]',
  },
};

/** The keys of the `configItem(detail)` view (shared/policy/functions/config-item.ts). */
export const CONFIG_ITEM_VIEW: readonly string[] = ['status', 'deleted', 'configuration', 'supplementary'];

/** The `detail` of a GuardDuty or state-change event: an API shape and/or a schema-registry schema. */
export interface DetailSource {
  api?: { service: string; op: string; path: readonly string[]; naming: 'jsonName' | 'member' };
  /** EventBridge schema-registry schema, as @aws-cdk/aws-service-spec imports it. */
  event?: string;
  /** Keys the events carry that neither has. */
  extra?: readonly string[];
  evidence: string;
}

export const DETAIL_SOURCES: Readonly<Record<string, DetailSource>> = {
  'guardduty:GuardDuty Finding': {
    api: { service: 'guardduty.amazonaws.com', op: 'GetFindings', path: ['Findings', '[]'], naming: 'jsonName' },
    event: 'aws.guardduty@GuardDutyFinding',
    evidence:
      'the EventBridge detail is the GetFindings Finding in its JSON names, but service.additionalInfo is an object (sample, threatListName) where the API has {value: JSON, type}: ec2-duty-event.json (cloud-custodian)',
  },
  'guardduty:GuardDuty Malware Protection Object Scan Result': {
    event: 'aws.guardduty@GuardDutyMalwareProtectionObjectScanResult',
    evidence: 'no API shape; the EventBridge schema registry only',
  },
  'sagemaker:SageMaker Training Job State Change': {
    api: { service: 'sagemaker.amazonaws.com', op: 'DescribeTrainingJob', path: [], naming: 'member' },
    event: 'aws.sagemaker@SageMakerTrainingJobStateChange',
    extra: ['Tags{}'],
    evidence:
      'sm_training_job_state_change.json (SageMaker developer guide): the DescribeTrainingJob response in its member names, plus Tags as a map',
  },
  'bedrock:Model Customization Job State Change': {
    api: { service: 'bedrock.amazonaws.com', op: 'GetModelCustomizationJob', path: [], naming: 'jsonName' },
    extra: ['version', 'jobStatus', 'validationDataConfig.s3Uri'],
    evidence:
      'eb_bedrock_model_customization_job_state_change.json (Bedrock user guide): GetModelCustomizationJob names plus jobStatus, version and validationDataConfig.s3Uri',
  },
};

/** Fields of a CloudTrail record ("CloudTrail record contents" in the CloudTrail user guide). */
export const CLOUDTRAIL_RECORD_FIELDS: readonly string[] = [
  'eventVersion',
  'userIdentity.type',
  'userIdentity.arn',
  'userIdentity.accountId',
  'userIdentity.principalId',
  'userIdentity.sessionContext.sessionIssuer.arn',
  'eventTime',
  'eventSource',
  'eventName',
  'awsRegion',
  'sourceIPAddress',
  'userAgent',
  'errorCode',
  'errorMessage',
  'requestParameters',
  'responseElements',
  'additionalEventData',
  'requestID',
  'eventID',
  'readOnly',
  'resources[].ARN',
  'resources[].type',
  'resources[].accountId',
  'eventType',
  'managementEvent',
  'recipientAccountId',
  'eventCategory',
  'tlsDetails',
  'sessionCredentialFromConsole',
  'sharedEventID',
  'vpcEndpointId',
];
