import type { SummaryPublisher } from '../../baseline/index.js';
import { TPGUARD_EVENT_SOURCE } from '../../drift/index.js';
import { BATCH_SUMMARY_DETAIL_TYPE, type BatchSummary } from '../../notify/index.js';
import type { EventBridgePublisher } from './eventbridge-publisher.js';

/**
 * Publishes batch summaries on the tpguard bus ("Drift Batch Summary", one event per owner), where
 * the notify rule routes them to the notify function like transitions.
 * @example await eventBridgeSummaries(publisher).publishSummaries(summaries)
 */
export function eventBridgeSummaries(publisher: EventBridgePublisher): SummaryPublisher {
  return {
    publishSummaries: (summaries: readonly BatchSummary[]) =>
      publisher.putEntries(
        summaries.map((s) => ({
          Source: TPGUARD_EVENT_SOURCE,
          DetailType: BATCH_SUMMARY_DETAIL_TYPE,
          Detail: JSON.stringify(s),
          Time: new Date(s.at),
        })),
      ),
  };
}
