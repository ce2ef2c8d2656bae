import { Cron } from 'croner';
import * as z from 'zod';
import { ContactSchema } from './owners.js';

/** The quarterly review: 09:00 on 1 January, April, July and October, in the configured timezone. */
export const QUARTERLY = 'quarterly';
export const QUARTERLY_CRON = '0 9 1 1,4,7,10 *';

/** The owner name of the task that reviews the control as a whole (reached at `reviews.reviewers`). */
export const CONTROL_OWNER = 'reviewers';

let canonical: ReadonlySet<string> | undefined;

/**
 * True when `tz` is an IANA timezone this runtime knows. The list of canonical names answers most
 * configurations; a first `Intl.DateTimeFormat` costs tens of milliseconds of every command's
 * start-up (it loads the time-zone data), so it only decides the rest (aliases, typos).
 */
export function isTimeZone(tz: string): boolean {
  canonical ??= new Set(Intl.supportedValuesOf('timeZone'));
  if (canonical.has(tz)) return true;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** True for `quarterly` or a cron expression croner accepts (5 or 6 fields). */
export function isSchedule(schedule: string): boolean {
  if (schedule === QUARTERLY) return true;
  try {
    new Cron(schedule, { paused: true });
    return true;
  } catch {
    return false;
  }
}

/** The cron expression of a schedule (`quarterly` expands to {@link QUARTERLY_CRON}). */
export function cronOf(schedule: string): string {
  return schedule === QUARTERLY ? QUARTERLY_CRON : schedule;
}

const days = z.number().int().min(0).max(366);

/**
 * `reviews`: the review calendar. Every key has a default except `reviewers` (who signs off);
 * a configuration without a `reviews` section still loads, and then the default owner reviews.
 */
export const ReviewsSchema = z.strictObject({
  schedule: z
    .string()
    .min(1)
    .refine(isSchedule, 'schedule is "quarterly" or a cron expression such as "0 9 1 */3 *"')
    .default(QUARTERLY),
  timezone: z.string().min(1).refine(isTimeZone, 'timezone is an IANA name such as Europe/Berlin').default('UTC'),
  dueInDays: days.min(1).default(30),
  remindBeforeDays: z.array(days.min(1)).max(10).default([14, 7, 1]),
  escalateAfterDays: days.default(7),
  reviewers: ContactSchema,
  /** Who hears when a review is overdue by `escalateAfterDays`; default: the `owners.default` contact. */
  escalateTo: ContactSchema.optional(),
  /** Policy area (a folder of the pack) -> owning team of `owners.teams`; unlisted areas: the default owner. */
  areaOwners: z
    .record(z.string().regex(/^[\w-]+$/, 'an area is a folder name of the pack'), z.string().min(1))
    .default({}),
  /** Longest time a risk-acceptance exception may run. */
  exceptionMaxDays: z.number().int().min(1).max(1096).default(365),
  /**
   * Four eyes: an exception takes effect only once an identity other than the one who added it
   * approves it (`tpguard exception approve`), and a review is signed off only by an identity other
   * than the one who recorded the pack version it reviews (`tpguard rules publish`).
   */
  requireDistinctApprover: z.boolean().default(false),
});
export type ReviewsConfig = z.infer<typeof ReviewsSchema>;
