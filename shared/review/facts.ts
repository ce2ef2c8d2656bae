import type { DriftStore } from '../drift/index.js';
import { DriftStatuses } from '../drift/index.js';
import type { DriftFacts, DriftFactsSource } from './ports.js';

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
