import { describe, expect, it } from 'vitest';
import {
  addLocalDays,
  daysBetween,
  endOfLocalDay,
  fromWallTime,
  localDate,
  wallTime,
} from '../../../shared/review/calendar.js';

describe('Function: wallTime', () => {
  it('gives the local time in Berlin in summer and in winter', () => {
    // Act
    const summer = wallTime(new Date('2027-07-01T07:00:00Z'), 'Europe/Berlin');
    const winter = wallTime(new Date('2027-01-01T08:00:00Z'), 'Europe/Berlin');

    // Assess
    expect(summer).toEqual({ year: 2027, month: 7, day: 1, hour: 9, minute: 0, second: 0 });
    expect(winter.hour).toBe(9);
  });
});

describe('Function: fromWallTime', () => {
  it('finds the instant of a local time on both sides of daylight saving', () => {
    // Act
    const cet = fromWallTime({ year: 2027, month: 1, day: 1, hour: 9, minute: 0, second: 0 }, 'Europe/Berlin');
    const cest = fromWallTime({ year: 2027, month: 4, day: 1, hour: 9, minute: 0, second: 0 }, 'Europe/Berlin');

    // Assess
    expect(cet.toISOString()).toBe('2027-01-01T08:00:00.000Z');
    expect(cest.toISOString()).toBe('2027-04-01T07:00:00.000Z');
  });

  it('moves a time skipped by the spring change forward', () => {
    // Act: 02:30 does not exist in Berlin on 28 March 2027
    const at = fromWallTime({ year: 2027, month: 3, day: 28, hour: 2, minute: 30, second: 0 }, 'Europe/Berlin');

    // Assess
    expect(wallTime(at, 'Europe/Berlin').hour).toBe(3);
  });
});

describe('Function: addLocalDays', () => {
  it('keeps the local wall-clock time across a daylight-saving change', () => {
    // Prepare: 09:00 CET on 1 March
    const start = new Date('2027-03-01T08:00:00Z');

    // Act
    const later = addLocalDays(start, 30, 'Europe/Berlin');

    // Assess: 09:00 CEST on 31 March is 07:00 UTC
    expect(later.toISOString()).toBe('2027-03-31T07:00:00.000Z');
  });

  it('moves backwards with a negative count', () => {
    expect(addLocalDays(new Date('2027-05-01T07:00:00Z'), -14, 'UTC').toISOString()).toBe('2027-04-17T07:00:00.000Z');
  });
});

describe('Function: localDate and daysBetween', () => {
  it('counts calendar days in the timezone, not 24-hour spans', () => {
    // Prepare: 23:30 UTC on 16 April is already 17 April in Berlin
    const late = new Date('2027-04-16T23:30:00Z');

    // Act
    const day = localDate(late, 'Europe/Berlin');

    // Assess
    expect(day).toBe('2027-04-17');
    expect(daysBetween(day, '2027-05-01')).toBe(14);
    expect(daysBetween('2027-05-08', '2027-05-01')).toBe(-7);
  });
});

describe('Function: endOfLocalDay', () => {
  it('is local midnight after the date', () => {
    expect(endOfLocalDay('2027-06-30', 'Europe/Berlin').toISOString()).toBe('2027-06-30T22:00:00.000Z');
    expect(endOfLocalDay('2027-12-31', 'UTC').toISOString()).toBe('2028-01-01T00:00:00.000Z');
  });
});
