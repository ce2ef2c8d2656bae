import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globAny, globMatch, globToRegExp } from '../../../shared/kernel/glob.js';

describe('Function: globMatch', () => {
  it('matches AWS wildcards: * any run of characters including / and :, ? exactly one', () => {
    // Act & Assess
    expect(globMatch('ml-training-*', 'ml-training-vision-raw')).toBe(true);
    expect(globMatch('ml/*', 'ml/vision/trainer')).toBe(true);
    expect(
      globMatch(
        'arn:aws:kms:*:111122223333:key/1234abcd-*',
        'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
      ),
    ).toBe(true);
    expect(
      globMatch(
        '111122223333.dkr.ecr.*.amazonaws.com/ml/*',
        '111122223333.dkr.ecr.eu-west-1.amazonaws.com/ml/vision-trainer@sha256:9f86',
      ),
    ).toBe(true);
    expect(globMatch('sg-0ml?', 'sg-0mla')).toBe(true);
    expect(globMatch('sg-0ml?', 'sg-0ml')).toBe(false);
    expect(globMatch('sg-0ml?', 'sg-0mlab')).toBe(false);
    expect(globMatch('*', '')).toBe(true);
    expect(globMatch('', '')).toBe(true);
    expect(globMatch('', 'x')).toBe(false);
  });

  it('matches the whole value, not a part of it', () => {
    // Act & Assess
    expect(globMatch('ml-training-*', 'old-ml-training-x')).toBe(false);
    expect(globMatch('*-raw', 'ml-training-vision-raw-backup')).toBe(false);
  });

  it('takes regular-expression characters literally', () => {
    // Act & Assess
    expect(globMatch('ml.training', 'mlXtraining')).toBe(false);
    expect(globMatch('ml.training', 'ml.training')).toBe(true);
    expect(globMatch('a+b(c)[d]{2}^$|\\', 'a+b(c)[d]{2}^$|\\')).toBe(true);
    expect(globMatch('a+b', 'aab')).toBe(false);
    expect(globMatch('[ab]', 'a')).toBe(false);
  });

  it('is case-sensitive, like ARNs and bucket names', () => {
    // Act & Assess
    expect(globMatch('SageMaker*', 'sagemakerRole')).toBe(false);
  });

  it('agrees with the regular-expression form on any input', () => {
    // Prepare
    const text = fc.string({ unit: fc.constantFrom('a', 'b', '/', ':', '.', '*', '?'), maxLength: 12 });

    // Act & Assess
    fc.assert(
      fc.property(text, text, (pattern, value) => globMatch(pattern, value) === globToRegExp(pattern).test(value)),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('stays fast on a long hostile value with many wildcards', () => {
    // Prepare
    const value = '-'.repeat(20_000);

    // Act
    const matched = globMatch('*-*-*-*-*-*-x', value);

    // Assess (a backtracking regex takes minutes here; the test timeout catches a regression)
    expect(matched).toBe(false);
  });
});

describe('Function: globAny', () => {
  it('matches a value or any of a list against any of the globs, ignoring what is not a string', () => {
    // Act & Assess
    expect(globAny('ml-training-x', ['other', 'ml-*'])).toBe(true);
    expect(globAny([undefined, 'arn:aws:s3:::ml-training-x'], ['arn:aws:s3:::ml-*'])).toBe(true);
    expect(globAny(undefined, ['*'])).toBe(false);
    expect(globAny(['x'], [])).toBe(false);
    expect(globAny(['x'], [7, null, 'x'])).toBe(true);
  });
});
