/**
 * Calendar arithmetic in an IANA timezone, without a date library: reminders fall on local
 * days ("7 days before the due date" in Berlin), and due dates keep the local wall-clock time
 * across daylight-saving changes.
 */

/** Wall-clock fields of an instant in a timezone (month 1-12). */
export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

/**
 * The wall-clock time of `at` in `tz`.
 * @example wallTime(new Date('2027-04-01T07:00:00Z'), 'Europe/Berlin').hour // 9
 */
export function wallTime(at: Date, tz: string): WallTime {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(at)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

function offsetMs(at: Date, tz: string): number {
  const w = wallTime(at, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/**
 * The instant whose wall-clock time in `tz` is `w` (a time skipped by a DST change moves forward).
 * @example fromWallTime({ year: 2027, month: 4, day: 1, hour: 9, minute: 0, second: 0 }, 'Europe/Berlin') // 2027-04-01T07:00:00Z
 */
export function fromWallTime(w: WallTime, tz: string): Date {
  const guess = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  let at = guess - offsetMs(new Date(guess), tz);
  const second = guess - offsetMs(new Date(at), tz);
  if (second !== at) at = Math.max(at, second);
  return new Date(at);
}

/**
 * `at` moved by `days` calendar days in `tz`, at the same local time.
 * @example addLocalDays(new Date('2027-03-01T08:00:00Z'), 30, 'Europe/Berlin') // 2027-03-31T07:00:00Z (09:00 CEST)
 */
export function addLocalDays(at: Date, days: number, tz: string): Date {
  const w = wallTime(at, tz);
  const shifted = new Date(Date.UTC(w.year, w.month - 1, w.day + days));
  return fromWallTime(
    { ...w, year: shifted.getUTCFullYear(), month: shifted.getUTCMonth() + 1, day: shifted.getUTCDate() },
    tz,
  );
}

/** The local date of `at` in `tz`, `YYYY-MM-DD`. */
export function localDate(at: Date, tz: string): string {
  const w = wallTime(at, tz);
  return `${String(w.year).padStart(4, '0')}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
}

/**
 * Whole calendar days from local date `from` to local date `to` (`YYYY-MM-DD`; negative when `to` is earlier).
 * @example daysBetween('2027-04-01', '2027-05-01') // 30
 */
export function daysBetween(from: string, to: string): number {
  const ms = (d: string) => Date.UTC(Number(d.slice(0, 4)), Number(d.slice(5, 7)) - 1, Number(d.slice(8, 10)));
  return Math.round((ms(to) - ms(from)) / 86_400_000);
}

/** The start (00:00 local) of the local day after `date` (`YYYY-MM-DD`) in `tz`. */
export function endOfLocalDay(date: string, tz: string): Date {
  const next = new Date(
    Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10)) + 1),
  );
  return fromWallTime(
    {
      year: next.getUTCFullYear(),
      month: next.getUTCMonth() + 1,
      day: next.getUTCDate(),
      hour: 0,
      minute: 0,
      second: 0,
    },
    tz,
  );
}
