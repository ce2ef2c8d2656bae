import type { HandlerResult } from './handler-bench.js';
import { round } from './measure.js';

/**
 * List prices assumed for eu-west-1 (Ireland), on-demand, without free tiers or savings plans.
 * Written down here, not fetched: check https://aws.amazon.com/pricing/ before relying on them.
 */
export const PRICES = {
  region: 'eu-west-1',
  asOf: '2026-11-26',
  lambdaArmPerGbSecond: 0.0000133334,
  lambdaPerMillionRequests: 0.2,
  /** On-demand, after the 50 % reduction of 1 Nov 2024 (was 1.4135 and 0.283). */
  dynamoPerMillionWru: 0.7068,
  dynamoPerMillionRru: 0.1415,
  dynamoPerGbMonth: 0.283,
  /** Custom events (PutEvents of transitions); CloudTrail's own events on the default bus are free. */
  eventBridgePerMillionCustomEvents: 1.0,
} as const;

/** What the model assumes beyond the measurements. */
export const ASSUMPTIONS = {
  /** Share of CloudTrail management events the generated rules route to Lambda (the scan archive's pipeline share). */
  routedShare: 0.02,
  /** Lambda gives one full vCPU at 1,769 MB and a proportional share below: CPU time stretches by 1769/memory. */
  fullVcpuMb: 1769,
  /** Round trip of one DynamoDB request from Lambda in the same region. */
  dynamoLatencyMs: 6,
  /** Round trip of one PutEvents call. */
  putEventsLatencyMs: 20,
  /** History items are kept 400 days: storage settles at about 13 months of them. */
  historyMonths: 13.2,
} as const;

export interface CostRow {
  eventsPerMonth: number;
  memoryMb: number;
  invocations: number;
  durationMs: number;
  lambda: number;
  /** Read and write requests. */
  dynamodb: number;
  /** History at steady state (400-day TTL). */
  storage: number;
  eventbridge: number;
  total: number;
}

export interface CostResult {
  prices: typeof PRICES;
  assumptions: typeof ASSUMPTIONS;
  rows: CostRow[];
}

/**
 * Monthly cost of the ingest path for 1, 10 and 100 million CloudTrail events at 128 and 256 MB,
 * from the handler benchmark's CPU time, DynamoDB requests and capacity units, and transitions
 * per event. The GSI (projection ALL) is charged like the drift-record writes it mirrors.
 * @example costModel(results.handler).rows[0].total
 */
export function costModel(h: HandlerResult): CostResult {
  const dynamoRequests = Object.entries(h.requestsPerEvent)
    .filter(([op]) => op !== 'Query')
    .reduce((s, [, v]) => s + v, 0);
  // Findings of one event are written concurrently: the sequential chain is one finding's requests.
  const chain = h.findingsPerEvent > 0 ? dynamoRequests / h.findingsPerEvent : 0;
  const wru = h.wruPerEvent + h.stateWruPerEvent;
  // History items written per event, in KB (a write unit covers 1 KB): what storage accumulates.
  const historyKbPerEvent = h.wruPerEvent - h.stateWruPerEvent;
  const rows: CostRow[] = [];
  for (const eventsPerMonth of [1e6, 1e7, 1e8]) {
    for (const memoryMb of [128, 256]) {
      const invocations = eventsPerMonth * ASSUMPTIONS.routedShare;
      const cpuMs = h.handler.cpuMsPerEvent * (ASSUMPTIONS.fullVcpuMb / memoryMb);
      const durationMs = Math.ceil(
        cpuMs +
          chain * ASSUMPTIONS.dynamoLatencyMs +
          Math.min(1, h.transitionsPerEvent) * ASSUMPTIONS.putEventsLatencyMs,
      );
      const lambda =
        invocations *
        (PRICES.lambdaPerMillionRequests / 1e6 + (durationMs / 1000) * (memoryMb / 1024) * PRICES.lambdaArmPerGbSecond);
      const storageGb = (invocations * historyKbPerEvent * ASSUMPTIONS.historyMonths) / 1024 / 1024;
      const dynamodb =
        (invocations * (wru * PRICES.dynamoPerMillionWru + h.rruPerEvent * PRICES.dynamoPerMillionRru)) / 1e6;
      const storage = storageGb * PRICES.dynamoPerGbMonth;
      const eventbridge = (invocations * h.putEventsEntriesPerEvent * PRICES.eventBridgePerMillionCustomEvents) / 1e6;
      rows.push({
        eventsPerMonth,
        memoryMb,
        invocations,
        durationMs,
        lambda: round(lambda),
        dynamodb: round(dynamodb),
        storage: round(storage),
        eventbridge: round(eventbridge),
        total: round(lambda + dynamodb + storage + eventbridge),
      });
    }
  }
  return { prices: PRICES, assumptions: ASSUMPTIONS, rows };
}
