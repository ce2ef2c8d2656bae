import { describe, expect, it } from 'vitest';
import { callerMatches } from '../../../../shared/policy/functions/principal.js';

const session = {
  arn: 'arn:aws:sts::111122223333:assumed-role/ml-ci-deployer/gitlab-ci-4711',
  sessionIssuerArn: 'arn:aws:iam::111122223333:role/ml-ci-deployer',
};

describe('Function: callerMatches', () => {
  it('matches an assumed-role session by its session ARN or by its role', () => {
    expect(callerMatches(session, ['arn:aws:sts::111122223333:assumed-role/ml-ci-deployer/*'])).toBe(true);
    expect(callerMatches(session, ['arn:aws:iam::111122223333:role/ml-ci-deployer'])).toBe(true);
  });

  it('does not match another principal, an empty list or no actor', () => {
    expect(
      callerMatches({ arn: 'arn:aws:iam::111122223333:user/legacy-automation' }, [
        'arn:aws:iam::111122223333:role/ml-ci-deployer',
      ]),
    ).toBe(false);
    expect(callerMatches(session, [])).toBe(false);
    expect(callerMatches(undefined, ['*'])).toBe(false);
  });
});
