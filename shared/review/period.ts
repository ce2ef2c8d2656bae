import { Cron } from 'croner';
import { addLocalDays, localDate, wallTime } from './calendar.js';
import { QUARTERLY, cronOf } from '../config/index.js';
import { NoReviewPeriodError } from './errors.js';

/** The schedule settings a period depends on. */
export interface ScheduleSettings {
  schedule: string;
  timezone: string;
  dueInDays: number;
}

/**
 * One review period. Its tasks open at `opensAt`, are due at `dueAt`, and look back at the
 * activity since the previous review (`coversFrom` .. `coversTo` = `opensAt`).
 */
export interface ReviewPeriod {
  /** `2027-Q2` for the quarterly schedule, the local opening date (`2027-04-01`) for a cron schedule. */
  id: string;
  opensAt: string;
  dueAt: string;
  coversFrom: string;
  coversTo: string;
  /** When the next period opens: exceptions expiring before it are listed in the tasks. */
  nextOpensAt: string;
}

function cron(s: ScheduleSettings): Cron {
  return new Cron(cronOf(s.schedule), { paused: true, timezone: s.timezone });
}

function periodId(opensAt: Date, s: ScheduleSettings): string {
  if (s.schedule !== QUARTERLY) return localDate(opensAt, s.timezone);
  const w = wallTime(opensAt, s.timezone);
  return `${w.year}-Q${Math.floor((w.month - 1) / 3) + 1}`;
}

/**
 * The period in force at `now`: opened by the latest schedule occurrence at or before `now`.
 * @example currentPeriod({ schedule: 'quarterly', timezone: 'UTC', dueInDays: 30 }, new Date('2027-05-10T00:00:00Z')).id // '2027-Q2'
 */
export function currentPeriod(s: ScheduleSettings, now: Date): ReviewPeriod {
  const c = cron(s);
  const [opens, previous] = c.previousRuns(2, new Date(now.getTime() + 1));
  if (!opens || opens.getTime() > now.getTime()) throw new NoReviewPeriodError(s.schedule, now.toISOString());
  const next = c.nextRun(opens);
  if (!next) throw new NoReviewPeriodError(s.schedule, now.toISOString());
  return {
    id: periodId(opens, s),
    opensAt: opens.toISOString(),
    dueAt: addLocalDays(opens, s.dueInDays, s.timezone).toISOString(),
    coversFrom: (previous ?? new Date(0)).toISOString(),
    coversTo: opens.toISOString(),
    nextOpensAt: next.toISOString(),
  };
}

/** The next time the schedule opens a period after `now` (for `npm start` and `review list`). */
export function nextOpening(s: ScheduleSettings, now: Date): string | undefined {
  return cron(s).nextRun(now)?.toISOString();
}
