import { inScope, type TpguardConfig } from '../config/index.js';
import { GUARDDUTY_FINDING, intake, type Observation, type ResourceRef } from '../sources/index.js';

/** A GuardDuty finding type seen on a resource (what the review's threat delta is computed from). */
export interface FindingSighting {
  findingType: string;
  account: string;
  region: string;
  resource: ResourceRef;
  firstSeen: string;
  lastSeen: string;
  count: number;
}

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
  for (const item of intake(event, 'threat-watch'))
    if (item.ok) n += await recordObservationSightings(item.observation, sink, config);
  return n;
}

/** Records the finding-type sightings of one observation (the local bus has it already normalized). */
export async function recordObservationSightings(
  obs: Observation,
  sink: SightingSink,
  config: TpguardConfig,
): Promise<number> {
  const sightings = sightingsOf(obs, config);
  for (const s of sightings) await sink.record(s);
  return sightings.length;
}

/**
 * The GuardDuty finding-type sightings of an observation: one per in-scope resource it names.
 * Findings on no in-scope resource are not sightings (the threat delta is about the pipeline).
 * @example sightingsOf(observation, config)[0].findingType // 'Discovery:S3/AnomalousBehavior'
 */
export function sightingsOf(obs: Observation, config: TpguardConfig): FindingSighting[] {
  const type = obs.trigger.findingType;
  if (obs.source !== 'guardduty' || !type) return [];
  return obs.resources
    .filter((r) => inScope(r, config))
    .map((resource) => ({
      findingType: type,
      account: obs.account,
      region: obs.region,
      resource,
      firstSeen: obs.eventTime,
      lastSeen: obs.eventTime,
      count: 1,
    }));
}
