import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { globAny, globMatch } from '../../../shared/kernel/glob.js';
import { measureWork } from '../../helpers/work.js';

/** The regular-expression form of a glob: the oracle the matcher is checked against (tests only). */
function globToRegExp(pattern: string): RegExp {
  const body = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '[\\s\\S]*')
    .replace(/\?/g, '[\\s\\S]');
  return new RegExp(`^${body}$`);
}

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

describe('Function: globMatch (work)', () => {
  const unit = fc.constantFrom('a', 'b', '-', '/', '*', '?');

  it('takes at most (|pattern| + 1) x (|value| + 1) steps on any input', () => {
    // Act & Assess
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 60 }), fc.string({ unit, maxLength: 200 }), (pattern, value) => {
        const work = measureWork(() => globMatch(pattern, value));
        expect(work.steps).toBeLessThanOrEqual((pattern.length + 1) * (value.length + 1));
        expect(work.regexRuns).toBe(0);
      }),
      { numRuns: 1000 },
    );
  });

  it('grows linearly in the event side: doubling a hostile value at most doubles the steps', () => {
    // Prepare: a trusted pattern and a value of repeated units, the shape of the backtracking attacks
    const case_ = fc.record({
      pattern: fc.string({ unit, minLength: 1, maxLength: 24 }),
      piece: fc.string({ unit: fc.constantFrom('a', 'b', '-', '/', '*'), minLength: 1, maxLength: 6 }),
      n: fc.integer({ min: 50, max: 2_000 }),
    });

    // Act & Assess
    fc.assert(
      fc.property(case_, ({ pattern, piece, n }) => {
        const small = measureWork(() => globMatch(pattern, piece.repeat(n))).steps;
        const large = measureWork(() => globMatch(pattern, piece.repeat(2 * n))).steps;
        expect(large).toBeLessThanOrEqual(2 * small + 2 * (pattern.length + 1) * piece.length);
      }),
      { numRuns: 300 },
    );
  });

  it('grows linearly in a hostile pattern matched against a short trusted value (policy Action vs rule action)', () => {
    // Prepare
    const shapes = ['*', '*?', 'iam:*', '*a', '?*x'];

    // Act & Assess
    for (const shape of shapes) {
      const small = measureWork(() => globMatch(shape.repeat(5_000), 'iam:passrole')).steps;
      const large = measureWork(() => globMatch(shape.repeat(10_000), 'iam:passrole')).steps;
      expect(large, shape).toBeLessThanOrEqual(2 * small + 64);
    }
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
