import { isRecord } from '../kernel/index.js';

/**
 * True when `value`, an element of a CloudTrail log file's `Records`, is a raw CloudTrail record
 * that intake would normalize without a rejection (not an envelope, SNS or SQS delivery; an
 * eventSource of AWS, an eventName, requestParameters an object or absent) and whose call no rule
 * listens to (`watched(eventSource, eventName)` is false). Such a record is an observation that
 * can produce no finding: a scan counts it without normalizing it, which was a third of its cost
 * over the parse on the 98% of an archive that is not pipeline calls (`npm run bench`).
 * Keep in step with `intakeRecord` and `normalizeCloudTrail` (test/shared/sources/unwatched.test.ts).
 * @example isUnwatchedCloudTrailRecord(record, (s, n) => index.hasCloudTrail(s, n))
 */
export function isUnwatchedCloudTrailRecord(
  value: unknown,
  watched: (eventSource: string, eventName: string) => boolean,
): boolean {
  if (!isRecord(value)) return false;
  const { eventSource, eventName, requestParameters } = value;
  if (typeof eventSource !== 'string' || typeof eventName !== 'string' || eventName === '') return false;
  if (!eventSource.endsWith('.amazonaws.com') || 'detail-type' in value || value.Sns !== undefined) return false;
  if (requestParameters !== undefined && requestParameters !== null && !isRecord(requestParameters)) return false;
  return !watched(eventSource, eventName);
}
