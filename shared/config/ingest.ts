import * as z from 'zod';
import { DEFAULT_MAX_FUTURE_SKEW_MINUTES } from '../kernel/index.js';

/**
 * `ingest`: how events are taken in. Strict like every section; every key has a default, so a
 * configuration without the section loads.
 */
export const IngestSchema = z.strictObject({
  /**
   * An event dated more than this many minutes ahead of the receiving clock is rejected (with a
   * reason, kept as a rejected input, nothing recorded as drift): dated into the future, it would
   * make every real event after it look older and silence the record. At least 1, at most a day.
   */
  maxFutureSkewMinutes: z
    .number()
    .int()
    .min(1)
    .max(24 * 60)
    .default(DEFAULT_MAX_FUTURE_SKEW_MINUTES),
});

export type IngestConfig = z.infer<typeof IngestSchema>;

/** The section's defaults, for ConfigSchema and tests. */
export const INGEST_DEFAULTS: IngestConfig = IngestSchema.parse({});
