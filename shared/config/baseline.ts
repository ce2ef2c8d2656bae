import * as z from 'zod';
import { isSchedule } from './reviews.js';

/** Monday 05:00 in the schedules' timezone (`reviews.timezone`, else UTC). */
export const WEEKLY = 'weekly';
export const WEEKLY_CRON = '0 5 * * 1';

/**
 * `baseline`: the read of the current state (shared/baseline). Every key has a default, so a
 * configuration without the section loads, and the deployed `baseline` function runs weekly.
 */
export const BaselineSchema = z.strictObject({
  /** The scheduled run (false: only on demand, `npm run baseline` / `tpguard baseline`). */
  enabled: z.boolean().default(true),
  /** `weekly` (Monday 05:00) or a 5-field cron expression, in `reviews.timezone`. */
  schedule: z
    .string()
    .min(1)
    .refine(
      (s) => s === WEEKLY || (s !== 'quarterly' && isSchedule(s)),
      'schedule is "weekly" or a cron expression such as "0 5 * * 1"',
    )
    .default(WEEKLY),
  /** An AWS Config aggregator: read the whole organization through it (the function's account must be its owner). */
  aggregator: z
    .string()
    .regex(/^[\w-]{1,256}$/, 'an aggregator name is letters, digits, - and _')
    .optional(),
  /** Requests in flight at once (BatchGet and Describe calls); the SDK's adaptive retry slows down when throttled. */
  concurrency: z.number().int().min(1).max(16).default(4),
  /**
   * Drift seen in the last this-many minutes before a run is not declared gone for missing from the
   * listing: AWS Config records a new resource within minutes.
   */
  goneAfterMinutes: z.number().int().min(0).max(10_080).default(60),
});
export type BaselineConfig = z.infer<typeof BaselineSchema>;

/** The section's defaults. */
export const BASELINE_DEFAULTS: BaselineConfig = BaselineSchema.parse({});

/** The cron expression of a baseline schedule. */
export function baselineCron(schedule: string): string {
  return schedule === WEEKLY ? WEEKLY_CRON : schedule;
}
