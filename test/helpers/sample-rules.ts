import type { RuleSpec } from './pack.js';

/** One or two rules per trigger kind, for trigger-index and pattern tests. */
export const INDEX_RULES: RuleSpec[] = [
  {
    id: 'TPS-S3-01',
    on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketPolicy', 'DeleteBucketPolicy'] },
    resource: { type: 's3-bucket' },
    violation: 'true',
  },
  {
    id: 'TPS-S3-02',
    on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketPolicy'] },
    resource: { type: 's3-bucket' },
    violation: 'true',
  },
  {
    id: 'TPS-EC2-01',
    on: { source: 'cloudtrail', eventSource: 'ec2.amazonaws.com', eventName: ['AuthorizeSecurityGroupIngress'] },
    resource: { type: 'security-group' },
    violation: 'true',
  },
  {
    id: 'TPS-GD-01',
    on: { source: 'guardduty', findingType: ['Exfiltration:S3/MaliciousIPCaller', 'Exfiltration:S3/*'] },
    resource: { type: 's3-bucket' },
    violation: 'true',
  },
  {
    id: 'TPS-GD-02',
    on: { source: 'guardduty', findingType: ['Object:S3/MaliciousFile'] },
    resource: { type: 's3-bucket' },
    violation: 'true',
  },
  {
    id: 'TPS-GD-03',
    on: { source: 'guardduty', detailType: 'GuardDuty Malware Protection Object Scan Result' },
    resource: { type: 's3-bucket' },
    violation: 'true',
  },
  {
    id: 'TPS-CFG-01',
    on: { source: 'config', resourceType: ['AWS::S3::Bucket'] },
    resource: { type: 's3-bucket' },
    violation: 'true',
  },
  {
    id: 'TPS-CFG-02',
    on: {
      source: 'config',
      detailType: 'Config Rules Compliance Change',
      resourceType: ['AWS::S3::Bucket', 'AWS::IAM::Role'],
    },
    resource: { type: 's3-bucket' },
    violation: 'true',
  },
  {
    id: 'TPS-SM-01',
    on: { source: 'sagemaker', detailType: ['SageMaker Training Job State Change'] },
    resource: { type: 'sagemaker-training-job' },
    violation: 'true',
  },
  {
    id: 'TPS-BR-01',
    on: { source: 'bedrock', detailType: ['Model Customization Job State Change'] },
    resource: { type: 'bedrock-customization-job' },
    violation: 'true',
  },
];

/** A small pack the shape fixtures (events/shapes) exercise: what `tpguard scan` tests run with. */
export const SCAN_RULES: RuleSpec[] = [
  {
    id: 'TPS-S3-01',
    area: 's3',
    title: 'Pipeline bucket made public by its policy',
    severity: 'critical',
    on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketPolicy'] },
    resource: { type: 's3-bucket' },
    violation: 'policyIsPublic(req.bucketPolicy)',
  },
  {
    id: 'TPS-S3-02',
    area: 's3',
    title: 'Versioning suspended on a pipeline bucket',
    severity: 'high',
    on: { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketVersioning'] },
    resource: { type: 's3-bucket' },
    violation: 'req.VersioningConfiguration.Status == "Suspended"',
    resolve: 'req.VersioningConfiguration.Status == "Enabled"',
  },
  {
    id: 'TPS-AUD-01',
    area: 'audit',
    title: 'CloudTrail logging stopped or trail deleted',
    severity: 'critical',
    on: { source: 'cloudtrail', eventSource: 'cloudtrail.amazonaws.com', eventName: ['StopLogging', 'DeleteTrail'] },
    resource: { type: 'cloudtrail-trail' },
    violation: 'true',
  },
  {
    id: 'TPS-KMS-01',
    area: 'kms',
    title: 'Pipeline KMS key scheduled for deletion',
    severity: 'high',
    on: { source: 'cloudtrail', eventSource: 'kms.amazonaws.com', eventName: ['ScheduleKeyDeletion'] },
    resource: { type: 'kms-key' },
    violation: 'true',
  },
  {
    id: 'TPS-IAM-01',
    area: 'iam',
    title: 'AdministratorAccess attached to a pipeline role',
    severity: 'critical',
    on: { source: 'cloudtrail', eventSource: 'iam.amazonaws.com', eventName: ['AttachRolePolicy'] },
    resource: { type: 'iam-role' },
    violation: 'req.policyArn.endsWith("/AdministratorAccess")',
  },
  {
    id: 'TPS-GD-01',
    area: 'guardduty',
    title: 'GuardDuty exfiltration finding on a pipeline bucket',
    severity: 'high',
    on: { source: 'guardduty', findingType: ['Exfiltration:S3/*'] },
    resource: { type: 's3-bucket' },
    violation: 'true',
  },
  {
    id: 'TPS-CFG-01',
    area: 'config',
    title: 'Pipeline bucket without versioning (AWS Config)',
    severity: 'medium',
    on: { source: 'config', resourceType: ['AWS::S3::Bucket'] },
    resource: { type: 's3-bucket' },
    violation: 'detail.supplementaryConfiguration.BucketVersioningConfiguration.status != "Enabled"',
  },
  {
    id: 'TPS-SM-20',
    area: 'sagemaker',
    title: 'Training job without network isolation',
    severity: 'high',
    on: { source: 'sagemaker', detailType: ['SageMaker Training Job State Change'] },
    resource: { type: 'sagemaker-training-job' },
    violation: '!detail.EnableNetworkIsolation',
  },
];

/** The configuration the scan tests use. */
export const SCAN_CONFIG = [
  'scope:',
  '  resources:',
  '    s3-bucket: ["ml-training-*", "ml-artifacts-*"]',
  '    iam-role: ["SageMaker*"]',
  '    kms-key: ["arn:aws:kms:*:111122223333:key/1234abcd-*"]',
  '    cloudtrail-trail: ["*"]',
  '',
].join('\n');
