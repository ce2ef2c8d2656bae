import { InvalidTimestampError } from './errors.js';

/**
 * The one way code learns the time. Pure layers receive a {@link Clock}; the CLI builds a
 * fixed one from `--now`, so demos and tests can move through a quarter.
 */
export interface Clock {
  now(): Date;
}

/**
 * How far ahead of the receiving clock an event may be dated (minutes) before it is rejected:
 * clocks of AWS services and of this function differ by seconds, an event dated hours or years
 * ahead is forged or broken (and, accepted, would order every real event after it as older).
 * `ingest.maxFutureSkewMinutes` in tpguard.config.yaml overrides it.
 */
export const DEFAULT_MAX_FUTURE_SKEW_MINUTES = 15;

/** The machine's clock. Only adapters, functions and the CLI create it. */
export const systemClock: Clock = { now: () => new Date() };

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

/** The date part names a day that exists (`Date` silently turns 2027-02-30 into 2 March). */
function calendarDay(text: string): boolean {
  const [y, m, d] = [Number(text.slice(0, 4)), Number(text.slice(5, 7)), Number(text.slice(8, 10))];
  return m >= 1 && m <= 12 && d >= 1 && d <= new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/**
 * Parses an ISO-8601 date or date-time. A date alone means midnight UTC; a date-time without
 * offset is read as UTC too (never the machine's zone, so results do not depend on where it runs).
 * @example parseIsoTime('2027-04-01T09:00:00+02:00').toISOString() // '2027-04-01T07:00:00.000Z'
 */
export function parseIsoTime(value: string): Date {
  const text = value.trim();
  if (!ISO_8601.test(text)) throw new InvalidTimestampError(value);
  const hasZone = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(text) && text.length > 10;
  const normalized = text.replace(' ', 'T').replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const date = new Date(text.length === 10 ? `${normalized}T00:00:00Z` : hasZone ? normalized : `${normalized}Z`);
  if (Number.isNaN(date.getTime()) || !calendarDay(text)) throw new InvalidTimestampError(value);
  return date;
}

/**
 * A clock that always answers `iso`.
 * @example fixedClock('2027-04-01T09:00:00Z').now().toISOString() // '2027-04-01T09:00:00.000Z'
 */
export function fixedClock(iso: string | Date): Clock {
  const at = typeof iso === 'string' ? parseIsoTime(iso) : new Date(iso.getTime());
  return { now: () => new Date(at.getTime()) };
}
