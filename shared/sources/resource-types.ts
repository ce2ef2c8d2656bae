/**
 * The resource types tpguard knows, their AWS Config names and whether they are
 * part of the training pipeline by definition (no scope entry needed).
 */
export interface ResourceTypeInfo {
  readonly configType?: string;
  readonly alwaysInScope: boolean;
  readonly description: string;
}

export const RESOURCE_TYPES = {
  's3-bucket': {
    configType: 'AWS::S3::Bucket',
    alwaysInScope: false,
    description: 'S3 bucket (training data, outputs, checkpoints)',
  },
  'ecr-repository': {
    configType: 'AWS::ECR::Repository',
    alwaysInScope: false,
    description: 'ECR repository of training images',
  },
  'ecr-registry': { alwaysInScope: false, description: 'ECR private registry of an account' },
  'iam-role': { configType: 'AWS::IAM::Role', alwaysInScope: false, description: 'IAM role (execution, pipeline, CI)' },
  'iam-user': { configType: 'AWS::IAM::User', alwaysInScope: false, description: 'IAM user' },
  'kms-key': { configType: 'AWS::KMS::Key', alwaysInScope: false, description: 'KMS key (key id, ARN or alias)' },
  'security-group': {
    configType: 'AWS::EC2::SecurityGroup',
    alwaysInScope: false,
    description: 'VPC security group of training compute',
  },
  'ec2-instance': {
    configType: 'AWS::EC2::Instance',
    alwaysInScope: false,
    description: 'EC2 instance (self-managed training compute)',
  },
  'cloudtrail-trail': {
    configType: 'AWS::CloudTrail::Trail',
    alwaysInScope: false,
    description: 'CloudTrail trail (the audit trail tpguard reads)',
  },
  'sagemaker-training-job': {
    configType: 'AWS::SageMaker::TrainingJob',
    alwaysInScope: true,
    description: 'SageMaker training job',
  },
  'sagemaker-processing-job': { alwaysInScope: true, description: 'SageMaker processing job' },
  'sagemaker-tuning-job': { alwaysInScope: true, description: 'SageMaker hyperparameter tuning job' },
  'sagemaker-pipeline': { alwaysInScope: true, description: 'SageMaker model building pipeline' },
  'sagemaker-model-package': { alwaysInScope: true, description: 'SageMaker model registry package' },
  'sagemaker-notebook-instance': {
    configType: 'AWS::SageMaker::NotebookInstance',
    alwaysInScope: false,
    description: 'SageMaker notebook instance',
  },
  'bedrock-customization-job': { alwaysInScope: true, description: 'Bedrock model customization job' },
  'guardduty-detector': {
    configType: 'AWS::GuardDuty::Detector',
    alwaysInScope: true,
    description: 'GuardDuty detector',
  },
  'config-recorder': { alwaysInScope: true, description: 'AWS Config configuration recorder' },
  'config-delivery-channel': {
    alwaysInScope: true,
    description: 'AWS Config delivery channel (where configuration items are delivered)',
  },
  'eventbridge-rule': { configType: 'AWS::Events::Rule', alwaysInScope: true, description: 'EventBridge rule' },
  'lambda-function': { configType: 'AWS::Lambda::Function', alwaysInScope: true, description: 'Lambda function' },
  'dynamodb-table': { configType: 'AWS::DynamoDB::Table', alwaysInScope: true, description: 'DynamoDB table' },
  'bedrock-logging': {
    alwaysInScope: true,
    description: 'Bedrock model invocation logging configuration of an account',
  },
} as const satisfies Record<string, ResourceTypeInfo>;

export type ResourceType = keyof typeof RESOURCE_TYPES;
export const RESOURCE_TYPE_NAMES = Object.keys(RESOURCE_TYPES) as ResourceType[];

const BY_CONFIG_TYPE: ReadonlyMap<string, ResourceType> = new Map(
  RESOURCE_TYPE_NAMES.flatMap((t) => {
    const info: ResourceTypeInfo = RESOURCE_TYPES[t];
    return info.configType ? [[info.configType, t] as const] : [];
  }),
);

/** Our type name for an AWS Config resource type; unknown types keep their AWS name. */
export function fromConfigType(configType: string): string {
  return BY_CONFIG_TYPE.get(configType) ?? configType;
}

export function isKnownResourceType(t: string): t is ResourceType {
  return Object.hasOwn(RESOURCE_TYPES, t);
}
