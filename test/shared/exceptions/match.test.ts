import { describe, expect, it } from 'vitest';
import {
  DistinctApproverError,
  ExceptionNotPendingError,
  InvalidExceptionError,
} from '../../../shared/exceptions/errors.js';
import { approvalOf, createException, exceptionState, matchException } from '../../../shared/exceptions/match.js';

const NOW = new Date('2027-04-01T07:00:00Z');
const REQUEST = {
  ruleId: 'TPS-S3-90',
  resource: 'ml-training-legacy-*',
  reason: 'migration in Q3',
  approvedBy: 'CISO office',
  expiresAt: '2027-06-30T22:00:00.000Z',
};

describe('Function: createException', () => {
  it('builds an active exception whose id is a hash of its content', () => {
    // Act
    const a = createException(REQUEST, NOW, 365);
    const b = createException(REQUEST, NOW, 365);

    // Assess
    expect(a).toMatchObject({
      ruleId: 'TPS-S3-90',
      resource: 'ml-training-legacy-*',
      status: 'active',
      createdAt: NOW.toISOString(),
      expiresAt: REQUEST.expiresAt,
    });
    expect(a.exceptionId).toMatch(/^EX-[0-9a-f]{8}$/);
    expect(b.exceptionId).toBe(a.exceptionId);
  });

  it('refuses an expiry in the past, too far away, an empty reason or a resource glob of everything', () => {
    expect(() => createException({ ...REQUEST, expiresAt: '2027-03-01T00:00:00Z' }, NOW, 365)).toThrow(
      /--expires: .* is not in the future/,
    );
    expect(() => createException({ ...REQUEST, expiresAt: '2028-06-01T00:00:00Z' }, NOW, 365)).toThrow(
      /exceptionMaxDays \(365\)/,
    );
    expect(() => createException({ ...REQUEST, reason: '  ' }, NOW, 365)).toThrow(InvalidExceptionError);
    expect(() => createException({ ...REQUEST, resource: '*' }, NOW, 365)).toThrow(/--resource/);
  });
});

describe('Function: exceptionState', () => {
  it('is active until the expiry, then expired; revoked from the revocation on', () => {
    // Prepare
    const exc = createException(REQUEST, NOW, 365);
    const revoked = { ...exc, status: 'revoked' as const, revokedAt: '2027-05-01T00:00:00.000Z', revokedBy: 'CISO' };

    // Act and assess
    expect(exceptionState(exc, '2027-06-30T21:59:59.000Z')).toBe('active');
    expect(exceptionState(exc, '2027-06-30T22:00:00.000Z')).toBe('expired');
    expect(exceptionState(revoked, '2027-04-30T23:59:59.000Z')).toBe('active');
    expect(exceptionState(revoked, '2027-05-01T00:00:00.000Z')).toBe('revoked');
  });
});

describe('Function: matchException', () => {
  it('matches the rule and a resource glob over id, name or ARN while active', () => {
    // Prepare
    const exc = createException(REQUEST, NOW, 365);

    // Act and assess
    expect(matchException([exc], 'TPS-S3-90', { id: 'ml-training-legacy-2019' }, '2027-05-01T00:00:00Z')).toBe(
      exc.exceptionId,
    );
    expect(
      matchException(
        [exc],
        'TPS-S3-90',
        { id: 'x', arn: 'arn:aws:s3:::x', name: 'ml-training-legacy-a' },
        '2027-05-01T00:00:00Z',
      ),
    ).toBe(exc.exceptionId);
    expect(
      matchException([exc], 'TPS-S3-91', { id: 'ml-training-legacy-2019' }, '2027-05-01T00:00:00Z'),
    ).toBeUndefined();
    expect(matchException([exc], 'TPS-S3-90', { id: 'ml-training-new' }, '2027-05-01T00:00:00Z')).toBeUndefined();
    expect(
      matchException([exc], 'TPS-S3-90', { id: 'ml-training-legacy-2019' }, '2027-07-01T00:00:00Z'),
    ).toBeUndefined();
  });

  it('prefers the exception that runs longest', () => {
    // Prepare
    const short = createException({ ...REQUEST, resource: 'ml-training-legacy-2019' }, NOW, 365);
    const long = createException({ ...REQUEST, expiresAt: '2027-12-31T00:00:00.000Z' }, NOW, 365);

    // Act and assess
    expect(matchException([short, long], 'TPS-S3-90', { id: 'ml-training-legacy-2019' }, '2027-05-01T00:00:00Z')).toBe(
      long.exceptionId,
    );
  });
});

describe('Function: approvalOf (four eyes)', () => {
  const SAM = 'arn:aws:sts::111122223333:assumed-role/SecurityAdmin/sam';
  const CHRIS = 'arn:aws:sts::111122223333:assumed-role/SecurityAdmin/chris';
  const pending = () => createException({ ...REQUEST, createdBy: SAM, requireApproval: true }, NOW, 365);

  it('keeps an exception that needs approval pending, matching nothing, until approved', () => {
    // Act
    const exc = pending();

    // Assess
    expect(exc).toMatchObject({ status: 'pending', createdBy: SAM });
    expect(exceptionState(exc, '2027-04-02T00:00:00Z')).toBe('pending');
    expect(matchException([exc], 'TPS-S3-90', { id: 'ml-training-legacy-2019' }, '2027-04-02T00:00:00Z')).toBe(
      undefined,
    );
  });

  it('approves with another identity, and names the approver and the time', () => {
    // Act
    const approval = approvalOf(pending(), { id: CHRIS, name: 'Chris' }, new Date('2027-04-02T00:00:00Z'));

    // Assess
    expect(approval).toEqual({ by: CHRIS, name: 'Chris', at: '2027-04-02T00:00:00.000Z' });
  });

  it('refuses the identity that added it, an exception not pending, and one that expired', () => {
    // Prepare
    const exc = pending();
    const at = new Date('2027-04-02T00:00:00Z');

    // Act + Assess
    expect(() => approvalOf(exc, { id: SAM, name: 'someone else, typed' }, at)).toThrow(DistinctApproverError);
    expect(() => approvalOf({ ...exc, status: 'active' }, { id: CHRIS }, at)).toThrow(ExceptionNotPendingError);
    expect(() => approvalOf(exc, { id: CHRIS }, new Date('2027-07-01T00:00:00Z'))).toThrow(/is expired/);
  });

  it('needs to know who adds an exception that needs approval', () => {
    expect(() => createException({ ...REQUEST, requireApproval: true }, NOW, 365)).toThrow(/--by: required/);
  });
});
