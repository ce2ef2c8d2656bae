import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../../shared/config/schema.js';
import { inScope } from '../../../shared/config/scope.js';

const config = ConfigSchema.parse({
  scope: {
    resources: {
      's3-bucket': ['ml-training-*', 'arn:aws:s3:::ml-artifacts-*'],
      'iam-role': ['SageMaker*'],
      'kms-key': ['arn:aws:kms:*:111122223333:key/1234abcd-*', 'alias/ml-*'],
      'ec2-instance': [],
    },
    tags: { 'ml:pipeline': ['training'], owner: ['vision', 'nlp-*'] },
  },
});

describe('Function: inScope', () => {
  it('keeps SageMaker and Bedrock training resources always in scope', () => {
    // Act & Assess
    for (const type of [
      'sagemaker-training-job',
      'sagemaker-processing-job',
      'sagemaker-tuning-job',
      'sagemaker-pipeline',
      'bedrock-customization-job',
    ]) {
      expect(inScope({ type, id: 'anything' }, ConfigSchema.parse({})), type).toBe(true);
    }
  });

  it('matches the globs of the resource type against id, name or ARN', () => {
    // Act & Assess
    expect(inScope({ type: 's3-bucket', id: 'ml-training-vision-raw' }, config)).toBe(true);
    expect(inScope({ type: 's3-bucket', id: 'x', arn: 'arn:aws:s3:::ml-artifacts-models' }, config)).toBe(true);
    expect(inScope({ type: 'iam-role', id: 'AROAQEXAMPLE', name: 'SageMakerTrainingExecution' }, config)).toBe(true);
    expect(
      inScope(
        { type: 'kms-key', id: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab' },
        config,
      ),
    ).toBe(true);
    expect(inScope({ type: 'kms-key', id: 'alias/ml-training' }, config)).toBe(true);
    expect(inScope({ type: 's3-bucket', id: 'jdoe-scratch-bucket' }, config)).toBe(false);
    expect(inScope({ type: 'iam-role', id: 'ml-training-vision-raw' }, config)).toBe(false);
  });

  it('takes a resource carrying a scope tag value (globs too)', () => {
    // Act & Assess
    expect(
      inScope({ type: 'ec2-instance', id: 'i-0a1b2c3d4e5f67890', tags: { 'ml:pipeline': 'training' } }, config),
    ).toBe(true);
    expect(inScope({ type: 's3-bucket', id: 'other', tags: { owner: 'nlp-research' } }, config)).toBe(true);
    expect(inScope({ type: 's3-bucket', id: 'other', tags: { owner: 'finance' } }, config)).toBe(false);
    expect(inScope({ type: 'AWS::EFS::FileSystem', id: 'fs-1', tags: { 'ml:pipeline': 'training' } }, config)).toBe(
      true,
    );
    expect(inScope({ type: 'AWS::EFS::FileSystem', id: 'fs-1' }, config)).toBe(false);
  });

  it('matches IAM role and user names whatever their case, as IAM does (attack 7)', () => {
    // Act & Assess
    expect(
      inScope({ type: 'iam-role', id: 'sagemakertrainingexecution', name: 'sagemakertrainingexecution' }, config),
    ).toBe(true);
    expect(inScope({ type: 'iam-role', id: 'SAGEMAKER-X' }, config)).toBe(true);
    expect(inScope({ type: 's3-bucket', id: 'ML-TRAINING-VISION-RAW' }, config)).toBe(false);
  });
});
