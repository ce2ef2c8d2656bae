import { describe, expect, it } from 'vitest';
import { MAX_ARN, parseArn } from '../../../shared/kernel/arn.js';

describe('Function: parseArn', () => {
  it('splits an ARN at its first five colons, the resource keeping its own colons and slashes', () => {
    // Act & Assess
    expect(parseArn('arn:aws:lambda:eu-west-1:111122223333:function:notify:live')).toEqual({
      partition: 'aws',
      service: 'lambda',
      region: 'eu-west-1',
      account: '111122223333',
      resource: 'function:notify:live',
    });
    expect(parseArn('arn:aws:s3:::ml-training-data/key')?.resource).toBe('ml-training-data/key');
    expect(parseArn('arn:aws-cn:iam::111122223333:role/path/r')?.account).toBe('111122223333');
  });

  it('gives undefined for what is not an ARN or is longer than any ARN', () => {
    // Act & Assess
    expect(parseArn('alias/ml')).toBeUndefined();
    expect(parseArn('arn:aws:kms')).toBeUndefined();
    expect(parseArn(`arn:aws:kms:eu-west-1:111122223333:key/${'a'.repeat(MAX_ARN)}`)).toBeUndefined();
  });
});
