import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../shared/config/load.js';
import { FileLoadError } from '../../../shared/kernel/index.js';
import { ReviewConfigError } from '../../../shared/review/index.js';
import { areasByOwner, resolveReviewSettings } from '../../../shared/review/index.js';

const REVIEWERS = 'reviews:\n  reviewers:\n    email: ["leads@example.com"]\n';

describe('Function: parseConfig (reviews)', () => {
  it('fills every default except the reviewers', () => {
    // Act
    const config = parseConfig(REVIEWERS, 'tpguard.config.yaml');

    // Assess
    expect(config.reviews).toEqual({
      schedule: 'quarterly',
      timezone: 'UTC',
      dueInDays: 30,
      remindBeforeDays: [14, 7, 1],
      escalateAfterDays: 7,
      reviewers: { email: ['leads@example.com'] },
      areaOwners: {},
      exceptionMaxDays: 365,
      requireDistinctApprover: false,
    });
  });

  it('requires reviewers when the section is present', () => {
    expect(() => parseConfig('reviews:\n  timezone: UTC\n', 'c.yaml')).toThrow(/reviews\.reviewers/);
  });

  it('loads a configuration without a reviews section', () => {
    expect(parseConfig('scope: {}\n', 'c.yaml').reviews).toBeUndefined();
  });

  it('names the key of an unknown timezone', () => {
    // Act
    const parse = () => parseConfig(`${REVIEWERS}  timezone: Europe/Atlantis\n`, 'c.yaml');

    // Assess
    expect(parse).toThrow(FileLoadError);
    expect(parse).toThrow(/reviews\.timezone: timezone is an IANA name/);
  });

  it('accepts a cron expression and refuses a broken one', () => {
    expect(parseConfig(`${REVIEWERS}  schedule: "0 9 1 */3 *"\n`, 'c.yaml').reviews?.schedule).toBe('0 9 1 */3 *');
    expect(() => parseConfig(`${REVIEWERS}  schedule: "0 61 * * *"\n`, 'c.yaml')).toThrow(/reviews\.schedule/);
  });

  it('refuses an unknown key in the section', () => {
    expect(() => parseConfig(`${REVIEWERS}  dueDays: 3\n`, 'c.yaml')).toThrow(/unknown key reviews\.dueDays/);
  });
});

describe('Function: resolveReviewSettings', () => {
  it('lets the default owner review and hear escalations without a reviews section', () => {
    // Prepare
    const config = parseConfig('owners:\n  default:\n    email: ["sec@example.com"]\n', 'c.yaml');

    // Act
    const s = resolveReviewSettings(config);

    // Assess
    expect(s.reviewers.email).toEqual(['sec@example.com']);
    expect(s.escalateTo.email).toEqual(['sec@example.com']);
    expect(s.schedule).toBe('quarterly');
  });

  it('sorts reminder days largest first without duplicates', () => {
    const config = parseConfig(`${REVIEWERS}  remindBeforeDays: [1, 7, 14, 7]\n`, 'c.yaml');
    expect(resolveReviewSettings(config).remindBeforeDays).toEqual([14, 7, 1]);
  });

  it('refuses an area owner that is not a team', () => {
    // Prepare
    const config = parseConfig(`${REVIEWERS}  areaOwners:\n    s3: storage\n`, 'c.yaml');

    // Act and assess
    expect(() => resolveReviewSettings(config)).toThrow(ReviewConfigError);
    expect(() => resolveReviewSettings(config)).toThrow(/reviews\.areaOwners\.s3: unknown team "storage"/);
  });
});

describe('Function: areasByOwner', () => {
  it('groups areas by their team and gives the rest to the default owner', () => {
    expect([...areasByOwner(['sagemaker', 's3', 'iam', 's3'], { sagemaker: 'vision' })]).toEqual([
      ['default', ['iam', 's3']],
      ['vision', ['sagemaker']],
    ]);
  });
});
