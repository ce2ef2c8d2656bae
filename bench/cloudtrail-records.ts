import type { SeededRandom } from './random.js';

/**
 * Realistic CloudTrail management-event records for the scan benchmark: the noise an
 * account of an ML team produces (role assumptions, KMS decrypts, Describe/List/Get
 * calls, log streams) and the training-pipeline calls the policy pack listens to.
 * Field names and nesting follow CloudTrail's record format (eventVersion 1.09).
 */
export interface RecordContext {
  rnd: SeededRandom;
  time: string;
  account: string;
  region: string;
}

type Json = Record<string, unknown>;
type Identity = (c: RecordContext) => Json;

const USERS = ['jdoe', 'asmith', 'mchen', 'pkumar', 'lgarcia', 'tnguyen'];

function assumedRole(role: string, session: string, c: RecordContext): Json {
  const roleId = `AROA${c.rnd.alnum(17)}`;
  return {
    type: 'AssumedRole',
    principalId: `${roleId}:${session}`,
    arn: `arn:aws:sts::${c.account}:assumed-role/${role}/${session}`,
    accountId: c.account,
    accessKeyId: `ASIA${c.rnd.alnum(16)}`,
    sessionContext: {
      sessionIssuer: {
        type: 'Role',
        principalId: roleId,
        arn: `arn:aws:iam::${c.account}:role/${role}`,
        accountId: c.account,
        userName: role,
      },
      attributes: { creationDate: c.time, mfaAuthenticated: 'false' },
    },
  };
}

const IDENTITIES: Record<string, Identity> = {
  scientist: (c) => assumedRole('DataScientist', c.rnd.pick(USERS), c),
  ci: (c) => assumedRole('ml-ci-deployer', `gitlab-${c.rnd.int(99999)}`, c),
  execution: (c) => assumedRole('SageMakerTrainingExecution', 'SageMaker', c),
  node: (c) => assumedRole('eks-gpu-node', `i-0${c.rnd.hex(16)}`, c),
  service: () => ({ type: 'AWSService', invokedBy: 'sagemaker.amazonaws.com' }),
  admin: (c) => ({
    type: 'IAMUser',
    principalId: `AIDA${c.rnd.alnum(17)}`,
    arn: `arn:aws:iam::${c.account}:user/platform-admin`,
    accountId: c.account,
    accessKeyId: `AKIA${c.rnd.alnum(16)}`,
    userName: 'platform-admin',
  }),
};

const AGENTS = [
  'aws-sdk-python/1.35.60 Python/3.11.9 Linux/5.10.223 Botocore/1.35.60 sagemaker-python-sdk/2.232.2',
  'aws-cli/2.17.50 md/awscrt#0.21.2 ua/2.0 os/linux#6.8.0 md/arch#x86_64 lang/python#3.12.6 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe',
  'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/sts#1.30.3',
  'Boto3/1.35.10 md/Botocore#1.35.10 ua/2.0 os/linux#5.10.225 md/arch#x86_64 lang/python#3.10.14 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.10',
];

function record(
  c: RecordContext,
  who: string,
  eventSource: string,
  eventName: string,
  requestParameters: Json | null,
  extra: Json = {},
): Json {
  const identity = IDENTITIES[who](c);
  const service = identity.type === 'AWSService';
  return {
    eventVersion: '1.09',
    userIdentity: identity,
    eventTime: c.time,
    eventSource,
    eventName,
    awsRegion: c.region,
    sourceIPAddress: service ? 'sagemaker.amazonaws.com' : `10.${c.rnd.int(256)}.${c.rnd.int(256)}.${c.rnd.int(256)}`,
    userAgent: service ? 'sagemaker.amazonaws.com' : c.rnd.pick(AGENTS),
    requestParameters,
    responseElements: null,
    requestID: c.rnd.uuid(),
    eventID: c.rnd.uuid(),
    readOnly: /^(Get|Describe|List|Decrypt|GenerateDataKey|AssumeRole|BatchGet)/.test(eventName),
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: c.account,
    eventCategory: 'Management',
    tlsDetails: service
      ? undefined
      : {
          tlsVersion: 'TLSv1.3',
          cipherSuite: 'TLS_AES_128_GCM_SHA256',
          clientProvidedHostHeader: `${eventSource.split('.')[0]}.${c.region}.amazonaws.com`,
        },
    ...extra,
  };
}

const kmsKey = (c: RecordContext, pipeline: boolean) =>
  `arn:aws:kms:${c.region}:${c.account}:key/${pipeline ? '1234abcd' : '9f8e7d6c'}-${c.rnd.hex(4)}-4${c.rnd.hex(3)}-a${c.rnd.hex(3)}-${c.rnd.hex(12)}`;
const BUCKETS = [
  'ml-training-nlp-corpus',
  'ml-training-vision-images',
  'ml-artifacts-models',
  'ml-training-fraud-features',
];
const OTHER_BUCKETS = ['web-assets-prod', 'finance-reports', 'athena-query-results-eu', 'cdk-hnb659fds-assets'];
const bucket = (c: RecordContext, pipeline: boolean) => c.rnd.pick(pipeline ? BUCKETS : OTHER_BUCKETS);

/** The noise: calls no rule listens to. Weights are rough shares of a real ML account's trail. */
export const NOISE: Record<string, (c: RecordContext) => Json> = {
  AssumeRole: (c) =>
    record(
      c,
      'service',
      'sts.amazonaws.com',
      'AssumeRole',
      {
        roleArn: `arn:aws:iam::${c.account}:role/SageMakerTrainingExecution`,
        roleSessionName: 'SageMaker',
        durationSeconds: 3600,
      },
      {
        responseElements: {
          credentials: {
            accessKeyId: `ASIA${c.rnd.alnum(16)}`,
            expiration: 'Nov 2, 2026, 11:47:05 AM',
            sessionToken: c.rnd.alnum(356, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/+'),
          },
          assumedRoleUser: {
            assumedRoleId: `AROA${c.rnd.alnum(17)}:SageMaker`,
            arn: `arn:aws:sts::${c.account}:assumed-role/SageMakerTrainingExecution/SageMaker`,
          },
        },
        resources: [
          {
            accountId: c.account,
            type: 'AWS::IAM::Role',
            ARN: `arn:aws:iam::${c.account}:role/SageMakerTrainingExecution`,
          },
        ],
        sharedEventID: c.rnd.uuid(),
      },
    ),
  Decrypt: (c) =>
    record(
      c,
      c.rnd.pick(['execution', 'node', 'scientist']),
      'kms.amazonaws.com',
      'Decrypt',
      {
        encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${bucket(c, true)}/shards/part-${c.rnd.int(9999)}.parquet` },
        encryptionAlgorithm: 'SYMMETRIC_DEFAULT',
      },
      {
        resources: [{ accountId: c.account, type: 'AWS::KMS::Key', ARN: kmsKey(c, true) }],
      },
    ),
  GenerateDataKey: (c) =>
    record(
      c,
      'execution',
      'kms.amazonaws.com',
      'GenerateDataKey',
      {
        keyId: kmsKey(c, true),
        keySpec: 'AES_256',
        encryptionContext: { 'aws:s3:arn': `arn:aws:s3:::${bucket(c, true)}/checkpoints/` },
      },
      {
        resources: [{ accountId: c.account, type: 'AWS::KMS::Key', ARN: kmsKey(c, true) }],
      },
    ),
  DescribeInstances: (c) =>
    record(c, 'node', 'ec2.amazonaws.com', 'DescribeInstances', {
      instancesSet: { items: [{ instanceId: `i-0${c.rnd.hex(16)}` }] },
      filterSet: {},
    }),
  DescribeSecurityGroups: (c) =>
    record(c, 'scientist', 'ec2.amazonaws.com', 'DescribeSecurityGroups', {
      securityGroupSet: {},
      securityGroupIdSet: { items: [{ groupId: `sg-0ml${c.rnd.hex(13)}` }] },
      filterSet: {},
    }),
  DescribeVolumes: (c) =>
    record(c, 'node', 'ec2.amazonaws.com', 'DescribeVolumes', {
      volumeSet: {},
      filterSet: {
        items: [{ name: 'attachment.instance-id', valueSet: { items: [{ value: `i-0${c.rnd.hex(16)}` }] } }],
      },
    }),
  GetBucketLocation: (c) =>
    record(
      c,
      'execution',
      's3.amazonaws.com',
      'GetBucketLocation',
      { bucketName: bucket(c, c.rnd.chance(0.7)), Host: 's3.amazonaws.com', location: '' },
      {
        additionalEventData: {
          SignatureVersion: 'SigV4',
          CipherSuite: 'TLS_AES_128_GCM_SHA256',
          bytesTransferredIn: 0,
          AuthenticationMethod: 'AuthHeader',
          'x-amz-id-2': c.rnd.alnum(76),
          bytesTransferredOut: 137,
        },
      },
    ),
  ListBuckets: (c) => record(c, 'scientist', 's3.amazonaws.com', 'ListBuckets', { Host: 's3.amazonaws.com' }),
  CreateLogStream: (c) =>
    record(c, 'service', 'logs.amazonaws.com', 'CreateLogStream', {
      logGroupName: '/aws/sagemaker/TrainingJobs',
      logStreamName: `llm-finetune-${c.rnd.hex(8)}/algo-1-${c.rnd.int(1e9)}`,
    }),
  DescribeTrainingJob: (c) =>
    record(c, c.rnd.pick(['scientist', 'ci']), 'sagemaker.amazonaws.com', 'DescribeTrainingJob', {
      trainingJobName: `llm-finetune-${c.rnd.hex(8)}`,
    }),
  ListTrainingJobs: (c) =>
    record(c, 'scientist', 'sagemaker.amazonaws.com', 'ListTrainingJobs', {
      maxResults: 100,
      sortBy: 'CreationTime',
      sortOrder: 'Descending',
    }),
  GetAuthorizationToken: (c) => record(c, 'node', 'ecr.amazonaws.com', 'GetAuthorizationToken', null),
  BatchGetImage: (c) =>
    record(c, 'node', 'ecr.amazonaws.com', 'BatchGetImage', {
      registryId: c.account,
      repositoryName: 'ml/trainer',
      imageIds: [{ imageTag: `v${c.rnd.int(40)}` }],
      acceptedMediaTypes: ['application/vnd.docker.distribution.manifest.v2+json'],
    }),
  GetCallerIdentity: (c) => record(c, c.rnd.pick(['ci', 'scientist']), 'sts.amazonaws.com', 'GetCallerIdentity', null),
  GetRole: (c) => record(c, 'ci', 'iam.amazonaws.com', 'GetRole', { roleName: 'SageMakerTrainingExecution' }),
};

export const NOISE_WEIGHTS: Record<keyof typeof NOISE, number> = {
  AssumeRole: 22,
  Decrypt: 18,
  GenerateDataKey: 5,
  DescribeInstances: 8,
  DescribeSecurityGroups: 4,
  DescribeVolumes: 4,
  GetBucketLocation: 8,
  ListBuckets: 3,
  CreateLogStream: 8,
  DescribeTrainingJob: 7,
  ListTrainingJobs: 2,
  GetAuthorizationToken: 4,
  BatchGetImage: 3,
  GetCallerIdentity: 2,
  GetRole: 2,
};

const image = (c: RecordContext, ok: boolean) =>
  ok
    ? `${c.account}.dkr.ecr.${c.region}.amazonaws.com/ml/trainer@sha256:${c.rnd.hex(64)}`
    : `763104351884.dkr.ecr.${c.region}.amazonaws.com/huggingface-pytorch-training:2.1.0-gpu-py310`;
const role = (c: RecordContext, ok: boolean) =>
  `arn:aws:iam::${c.account}:role/${ok ? 'SageMakerTrainingExecution' : 'DataScientist'}`;
const policyText = (principal: unknown, resource: string) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'Access', Effect: 'Allow', Principal: principal, Action: 's3:GetObject', Resource: resource }],
  });

function trainingJob(c: RecordContext, ok: boolean): Json {
  const name = `llm-finetune-${c.rnd.hex(8)}`;
  return record(
    c,
    ok ? 'ci' : 'scientist',
    'sagemaker.amazonaws.com',
    'CreateTrainingJob',
    {
      trainingJobName: name,
      hyperParameters: {
        epochs: '3',
        learning_rate: '2e-5',
        model_id: 'meta-llama/Llama-3.1-8B',
        ...(ok
          ? {}
          : { HF_TOKEN: `hf_${c.rnd.alnum(34, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}` }),
      },
      algorithmSpecification: {
        trainingImage: image(c, ok),
        trainingInputMode: 'File',
        enableSageMakerMetricsTimeSeries: false,
      },
      roleArn: role(c, ok),
      inputDataConfig: [
        {
          channelName: 'train',
          dataSource: {
            s3DataSource: {
              s3DataType: 'S3Prefix',
              s3Uri: `s3://${ok ? 'ml-training-nlp-corpus' : 'jdoe-scratch'}/instruct-v3/train/`,
              s3DataDistributionType: 'FullyReplicated',
            },
          },
          contentType: 'application/jsonlines',
          compressionType: 'None',
        },
      ],
      outputDataConfig: { s3OutputPath: 's3://ml-artifacts-models/llm/', ...(ok ? { kmsKeyId: kmsKey(c, true) } : {}) },
      resourceConfig: {
        instanceType: 'ml.g5.12xlarge',
        instanceCount: ok ? 1 : 2,
        volumeSizeInGB: 100,
        ...(ok ? { volumeKmsKeyId: kmsKey(c, true) } : {}),
      },
      ...(ok
        ? { vpcConfig: { securityGroupIds: [`sg-0ml${c.rnd.hex(13)}`], subnets: [`subnet-0${c.rnd.hex(16)}`] } }
        : {}),
      stoppingCondition: { maxRuntimeInSeconds: 86400 },
      tags: [
        { key: 'owner', value: 'nlp' },
        { key: 'ml:pipeline', value: 'training' },
      ],
      enableNetworkIsolation: ok,
      enableInterContainerTrafficEncryption: ok,
      enableManagedSpotTraining: false,
    },
    { responseElements: { trainingJobArn: `arn:aws:sagemaker:${c.region}:${c.account}:training-job/${name}` } },
  );
}

/** The calls the policy pack listens to; `ok` picks the compliant variant. */
export const PIPELINE: Record<string, (c: RecordContext, ok: boolean) => Json> = {
  CreateTrainingJob: trainingJob,
  CreateProcessingJob: (c, ok) =>
    record(c, ok ? 'ci' : 'scientist', 'sagemaker.amazonaws.com', 'CreateProcessingJob', {
      processingJobName: `features-${c.rnd.hex(8)}`,
      roleArn: role(c, ok),
      appSpecification: { imageUri: image(c, ok), containerEntrypoint: ['python3', '/opt/ml/processing/code/prep.py'] },
      processingResources: {
        clusterConfig: {
          instanceCount: 1,
          instanceType: 'ml.m5.4xlarge',
          volumeSizeInGB: 50,
          ...(ok ? { volumeKmsKeyId: kmsKey(c, true) } : {}),
        },
      },
      processingOutputConfig: {
        outputs: [
          {
            outputName: 'features',
            s3Output: {
              s3Uri: 's3://ml-training-fraud-features/v7/',
              localPath: '/opt/ml/processing/output',
              s3UploadMode: 'EndOfJob',
            },
          },
        ],
        ...(ok ? { kmsKeyId: kmsKey(c, true) } : {}),
      },
      networkConfig: ok
        ? {
            enableNetworkIsolation: true,
            enableInterContainerTrafficEncryption: true,
            vpcConfig: { securityGroupIds: [`sg-0ml${c.rnd.hex(13)}`], subnets: [`subnet-0${c.rnd.hex(16)}`] },
          }
        : {},
      stoppingCondition: { maxRuntimeInSeconds: 7200 },
    }),
  PutBucketPolicy: (c, ok) => {
    const b = bucket(c, true);
    return record(c, ok ? 'ci' : 'admin', 's3.amazonaws.com', 'PutBucketPolicy', {
      bucketName: b,
      Host: `${b}.s3.${c.region}.amazonaws.com`,
      policy: policyText(ok ? { AWS: `arn:aws:iam::${c.account}:root` } : '*', `arn:aws:s3:::${b}/*`),
    });
  },
  PutBucketVersioning: (c, ok) =>
    record(c, 'admin', 's3.amazonaws.com', 'PutBucketVersioning', {
      bucketName: bucket(c, true),
      Host: 's3.amazonaws.com',
      versioning: '',
      VersioningConfiguration: {
        Status: ok ? 'Enabled' : 'Suspended',
        xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
      },
    }),
  DeleteBucketEncryption: (c) =>
    record(c, 'admin', 's3.amazonaws.com', 'DeleteBucketEncryption', {
      bucketName: bucket(c, c.rnd.chance(0.5)),
      Host: 's3.amazonaws.com',
      encryption: '',
    }),
  PutBucketPublicAccessBlock: (c, ok) =>
    record(c, 'admin', 's3.amazonaws.com', 'PutBucketPublicAccessBlock', {
      bucketName: bucket(c, true),
      Host: 's3.amazonaws.com',
      publicAccessBlock: '',
      PublicAccessBlockConfiguration: {
        xmlns: 'http://s3.amazonaws.com/doc/2006-03-01/',
        RestrictPublicBuckets: ok,
        BlockPublicPolicy: ok,
        BlockPublicAcls: ok,
        IgnorePublicAcls: ok,
      },
    }),
  AttachRolePolicy: (c, ok) =>
    record(c, ok ? 'ci' : 'admin', 'iam.amazonaws.com', 'AttachRolePolicy', {
      roleName: 'SageMakerTrainingExecution',
      policyArn: ok
        ? 'arn:aws:iam::aws:policy/AmazonSageMakerFullAccess'
        : 'arn:aws:iam::aws:policy/AdministratorAccess',
    }),
  UpdateAssumeRolePolicy: (c, ok) =>
    record(c, 'admin', 'iam.amazonaws.com', 'UpdateAssumeRolePolicy', {
      roleName: 'ml-pipeline-runner',
      policyDocument: JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Effect: 'Allow',
            Principal: ok ? { Service: 'sagemaker.amazonaws.com' } : { AWS: '*' },
            Action: 'sts:AssumeRole',
          },
        ],
      }),
    }),
  ScheduleKeyDeletion: (c, ok) => {
    const key = kmsKey(c, !ok);
    return record(
      c,
      'admin',
      'kms.amazonaws.com',
      'ScheduleKeyDeletion',
      { keyId: key, pendingWindowInDays: 30 },
      { resources: [{ accountId: c.account, type: 'AWS::KMS::Key', ARN: key }] },
    );
  },
  AuthorizeSecurityGroupIngress: (c, ok) =>
    record(c, 'scientist', 'ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {
      groupId: `sg-0ml${c.rnd.hex(13)}`,
      ipPermissions: {
        items: [
          {
            ipProtocol: 'tcp',
            fromPort: 22,
            toPort: 22,
            groups: {},
            ipRanges: { items: [{ cidrIp: ok ? '10.0.0.0/8' : '0.0.0.0/0' }] },
            ipv6Ranges: {},
            prefixListIds: {},
          },
        ],
      },
    }),
  StopLogging: (c) =>
    record(c, 'admin', 'cloudtrail.amazonaws.com', 'StopLogging', {
      name: `arn:aws:cloudtrail:${c.region}:${c.account}:trail/org-trail`,
    }),
  PutImage: (c, ok) =>
    record(c, ok ? 'ci' : 'scientist', 'ecr.amazonaws.com', 'PutImage', {
      repositoryName: 'ml/trainer',
      imageTag: `v${c.rnd.int(50)}`,
      registryId: c.account,
      imageManifestMediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    }),
  CreateModelCustomizationJob: (c, ok) =>
    record(c, ok ? 'ci' : 'scientist', 'bedrock.amazonaws.com', 'CreateModelCustomizationJob', {
      jobName: `titan-ft-${c.rnd.hex(6)}`,
      customModelName: `titan-support-${c.rnd.hex(4)}`,
      roleArn: `arn:aws:iam::${c.account}:role/${ok ? 'BedrockCustomizationRole' : 'DataScientist'}`,
      baseModelIdentifier: 'amazon.titan-text-express-v1',
      trainingDataConfig: { s3Uri: `s3://${ok ? 'ml-training-nlp-corpus' : 'jdoe-scratch'}/bedrock/train.jsonl` },
      outputDataConfig: { s3Uri: 's3://ml-artifacts-models/bedrock/' },
      ...(ok
        ? {
            customModelKmsKeyId: kmsKey(c, true),
            vpcConfig: { subnetIds: [`subnet-0${c.rnd.hex(16)}`], securityGroupIds: [`sg-0ml${c.rnd.hex(13)}`] },
          }
        : {}),
      hyperParameters: { epochCount: '2', batchSize: '1', learningRate: '0.00001' },
    }),
  UpdateModelPackage: (c, ok) =>
    record(c, ok ? 'ci' : 'scientist', 'sagemaker.amazonaws.com', 'UpdateModelPackage', {
      modelPackageArn: `arn:aws:sagemaker:${c.region}:${c.account}:model-package/llm-support/${c.rnd.int(40)}`,
      modelApprovalStatus: 'Approved',
    }),
};

export const PIPELINE_WEIGHTS: Record<keyof typeof PIPELINE, number> = {
  CreateTrainingJob: 20,
  CreateProcessingJob: 10,
  PutBucketPolicy: 8,
  PutBucketVersioning: 6,
  DeleteBucketEncryption: 3,
  PutBucketPublicAccessBlock: 5,
  AttachRolePolicy: 8,
  UpdateAssumeRolePolicy: 3,
  ScheduleKeyDeletion: 3,
  AuthorizeSecurityGroupIngress: 8,
  StopLogging: 2,
  PutImage: 12,
  CreateModelCustomizationJob: 6,
  UpdateModelPackage: 6,
};
