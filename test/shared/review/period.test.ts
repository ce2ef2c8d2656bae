import { describe, expect, it } from 'vitest';
import { NoReviewPeriodError } from '../../../shared/review/errors.js';
import { currentPeriod, nextOpening } from '../../../shared/review/period.js';

const quarterly = { schedule: 'quarterly', timezone: 'Europe/Berlin', dueInDays: 30 };

describe('Function: currentPeriod', () => {
  it('opens the quarter at 09:00 local time on its first day', () => {
    // Act
    const p = currentPeriod(quarterly, new Date('2027-04-01T07:00:00Z'));

    // Assess
    expect(p).toEqual({
      id: '2027-Q2',
      opensAt: '2027-04-01T07:00:00.000Z',
      dueAt: '2027-05-01T07:00:00.000Z',
      coversFrom: '2027-01-01T08:00:00.000Z',
      coversTo: '2027-04-01T07:00:00.000Z',
      nextOpensAt: '2027-07-01T07:00:00.000Z',
    });
  });

  it('is still the previous quarter one second before the opening', () => {
    expect(currentPeriod(quarterly, new Date('2027-04-01T06:59:59Z')).id).toBe('2027-Q1');
  });

  it('keeps the period for the whole quarter', () => {
    expect(currentPeriod(quarterly, new Date('2027-06-30T21:59:59Z')).id).toBe('2027-Q2');
    expect(currentPeriod(quarterly, new Date('2027-12-31T12:00:00Z')).id).toBe('2027-Q4');
  });

  it('names a cron period by its local opening date', () => {
    // Prepare: monthly on the 15th at 10:00
    const monthly = { schedule: '0 10 15 * *', timezone: 'UTC', dueInDays: 10 };

    // Act
    const p = currentPeriod(monthly, new Date('2027-05-20T00:00:00Z'));

    // Assess
    expect(p.id).toBe('2027-05-15');
    expect(p.coversFrom).toBe('2027-04-15T10:00:00.000Z');
    expect(p.dueAt).toBe('2027-05-25T10:00:00.000Z');
    expect(p.nextOpensAt).toBe('2027-06-15T10:00:00.000Z');
  });

  it('refuses a schedule with no occurrence yet', () => {
    // Prepare: only on 29 February 2100 (not a leap year): never
    const never = { schedule: '0 0 30 2 *', timezone: 'UTC', dueInDays: 1 };

    // Act and assess
    expect(() => currentPeriod(never, new Date('2027-01-01T00:00:00Z'))).toThrow(NoReviewPeriodError);
  });
});

describe('Function: nextOpening', () => {
  it('gives the next quarterly opening', () => {
    expect(nextOpening(quarterly, new Date('2027-04-01T07:00:00Z'))).toBe('2027-07-01T07:00:00.000Z');
  });
});
