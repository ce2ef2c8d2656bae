export { cloudTrailKey } from './cloudtrail.js';
export { CONFIG_ITEM_CHANGE } from './config-item.js';
export {
  type BusEnvelope,
  defineSource,
  type GeneratedPattern,
  type IndexKey,
  type PatternDraft,
  type SourceDefinition,
} from './definition.js';
export { SourceRegistryError, UnsupportedEventError } from './errors.js';
export { GUARDDUTY_FINDING } from './guardduty.js';
export { intake, intakeRecord, type IntakeResult, MAX_REASON_LENGTH } from './intake.js';
export {
  checkTrigger,
  describeTrigger,
  envelopeOf,
  INGEST_ROUTES,
  indexSources,
  observationKeyOf,
  patternsOf,
  SOURCES,
  SUPPORTED_DETAIL_TYPES,
  type Trigger,
  TriggerSchema,
  triggerKeysOf,
} from './registry.js';
export { isKnownResourceType, RESOURCE_TYPE_NAMES, RESOURCE_TYPES } from './resource-types.js';
export { toIsoTime } from './time.js';
export { type Observation, type Rejection, type ResourceRef, Sources, type TriggerKey } from './types.js';
export { TAGGING_TRIGGERS, type TagChange, tagChangesOf } from './tag-changes.js';
export { isUnwatchedCloudTrailRecord } from './unwatched.js';
