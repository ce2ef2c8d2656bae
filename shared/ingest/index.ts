export {
  emptyResult,
  type IngestDeps,
  ingestEvent,
  ingestNormalized,
  ingestObservation,
  type IngestResult,
  publishTransitions,
  recordRejection,
} from './pipeline.js';
export type { IngestTelemetry } from './telemetry.js';
export {
  type FindingSighting,
  GUARDDUTY_FINDINGS_PATTERN,
  recordObservationSightings,
  recordSightings,
  type SightingSink,
} from './sightings.js';
