import type { TpguardConfig } from '../config/index.js';
import { GUARDDUTY_FINDING, intake } from '../sources/index.js';
import type { FindingSighting } from './ports.js';
import { sightingsOf } from './facts.js';

/**
 * Every GuardDuty finding, whatever its type: the review's threat delta needs the types the pack
 * does NOT map, which the generated ingest patterns never deliver. Restricted to one source and
 * detail-type (not a catch-all); findings on resources outside the pipeline's scope are dropped.
 */
export const GUARDDUTY_FINDINGS_PATTERN: Readonly<Record<string, unknown>> = Object.freeze({
  source: ['aws.guardduty'],
  'detail-type': [GUARDDUTY_FINDING],
});

/** Where sightings are counted (DynamoSightings). */
export interface SightingSink {
  record(s: FindingSighting): Promise<void>;
}

/**
 * Records the finding-type sightings of one delivered event (an EventBridge "GuardDuty Finding").
 * @example await recordSightings(event, new DynamoSightings(doc, table), config)
 */
export async function recordSightings(event: unknown, sink: SightingSink, config: TpguardConfig): Promise<number> {
  let n = 0;
  for (const item of intake(event, 'threat-watch')) {
    if (!item.ok) continue;
    for (const s of sightingsOf(item.observation, config)) {
      await sink.record(s);
      n++;
    }
  }
  return n;
}
