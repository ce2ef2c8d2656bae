import type { DriftStore } from '../drift/index.js';
import { DriftStatuses } from '../drift/index.js';
import { inScope } from '../config/index.js';
import type { TpguardConfig } from '../config/index.js';
import type { Observation } from '../sources/index.js';
import type { DriftFacts, DriftFactsSource, FindingSighting } from './ports.js';

/**
 * The drift facts of the review and the report, read through the drift store: every record,
 * then each record's history (one Query per record; the review runs quarterly, the report on demand).
 * @example const facts = await driftFactsFrom(store).facts('2027-04-01T07:00:00.000Z')
 */
export function driftFactsFrom(store: Pick<DriftStore, 'queryRecords' | 'listHistory'>): DriftFactsSource {
  return {
    facts: async (to: string): Promise<DriftFacts> => {
      const records = await store.queryRecords({ statuses: DriftStatuses });
      const history = [];
      for (const r of records) {
        for (const h of await store.listHistory(r.driftId)) if (h.eventTime < to) history.push(h);
      }
      return { records, history };
    },
  };
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
