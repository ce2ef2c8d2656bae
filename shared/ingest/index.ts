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
export {
  boundedTags,
  evaluateWithTags,
  MAX_REMEMBERED_TAGS,
  type RememberedTags,
  rememberTags,
  type ResourceTagKey,
  type ResourceTagStore,
} from './resource-tags.js';
