import type { Telemetry } from '../kernel/index.js';

/**
 * What the ingest pipeline reports: counts (Powertools Metrics when deployed) and structured log
 * lines (Powertools Logger). Log fields carry ids, rule ids and transitions, never event content.
 */
export const IngestMetrics = {
  evaluated: 'EventsEvaluated',
  violations: 'Violations',
  transitions: 'Transitions',
  rejected: 'RejectedInputs',
  cannotEvaluate: 'CannotEvaluate',
  /** Cannot-evaluate verdicts caused by the event's content on an identified resource: recorded as drift. */
  unverifiable: 'Unverifiable',
  duplicates: 'DuplicateFindings',
  stale: 'StaleFindings',
} as const;
export type IngestMetric = (typeof IngestMetrics)[keyof typeof IngestMetrics];

export type IngestTelemetry = Telemetry<IngestMetric>;
