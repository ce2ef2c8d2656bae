import { describe, expect, it } from 'vitest';
import { kmsKeyForms, kmsKeyMatches } from '../../../../shared/policy/functions/kms.js';

const ID = '1234abcd-12ab-34cd-56ef-1234567890ab';
const ARN = `arn:aws:kms:eu-west-1:111122223333:key/${ID}`;

describe('Function: kmsKeyMatches', () => {
  it('matches a bare key id against key ARN globs', () => {
    expect(kmsKeyMatches(ID, ['arn:aws:kms:*:111122223333:key/1234abcd-*'], '111122223333', 'eu-west-1')).toBe(true);
  });

  it('matches a key ARN against key id globs, and aliases both ways', () => {
    expect(kmsKeyMatches(ARN, ['1234abcd-*'], '111122223333', 'eu-west-1')).toBe(true);
    expect(kmsKeyMatches('alias/ml-training', ['alias/ml-*'], '111122223333', 'eu-west-1')).toBe(true);
    expect(
      kmsKeyMatches(
        'arn:aws:kms:eu-west-1:111122223333:alias/ml-training',
        ['alias/ml-*'],
        '111122223333',
        'eu-west-1',
      ),
    ).toBe(true);
  });

  it('never matches an absent or empty key, or a key of another account', () => {
    expect(kmsKeyMatches('', ['*'], '111122223333', 'eu-west-1')).toBe(false);
    expect(kmsKeyMatches(undefined, ['*'], '111122223333', 'eu-west-1')).toBe(false);
    expect(
      kmsKeyMatches(
        `arn:aws:kms:eu-west-1:999988887777:key/${ID}`,
        ['arn:aws:kms:*:111122223333:key/*'],
        '111122223333',
        'eu-west-1',
      ),
    ).toBe(false);
  });
});

describe('Function: kmsKeyForms', () => {
  it('lists the id and ARN forms of a reference', () => {
    expect(kmsKeyForms(ID, '111122223333', 'eu-west-1')).toEqual([ID, ARN]);
    expect(kmsKeyForms(ARN, '111122223333', 'eu-west-1')).toEqual([ARN, ID]);
  });
});

describe('Function: kmsKeyMatches across accounts and regions (attack 4)', () => {
  it('derives the short forms of an ARN only in the account and region of the event', () => {
    // Prepare
    const globs = ['alias/ml-*', '1234abcd-*'];

    // Act & Assess
    expect(
      kmsKeyMatches('arn:aws:kms:eu-west-1:111122223333:alias/ml-training', globs, '111122223333', 'eu-west-1'),
    ).toBe(true);
    expect(kmsKeyMatches('arn:aws:kms:eu-west-1:999988887777:alias/ml-exfil', globs, '111122223333', 'eu-west-1')).toBe(
      false,
    );
    expect(
      kmsKeyMatches('arn:aws:kms:us-east-1:111122223333:alias/ml-training', globs, '111122223333', 'eu-west-1'),
    ).toBe(false);
    expect(
      kmsKeyMatches(
        'arn:aws:kms:eu-west-1:999988887777:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        globs,
        '111122223333',
        'eu-west-1',
      ),
    ).toBe(false);
    expect(
      kmsKeyMatches(
        'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        globs,
        '111122223333',
        'eu-west-1',
      ),
    ).toBe(true);
  });
});
