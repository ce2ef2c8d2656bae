export { cloudTrailKey } from './cloudtrail.js';
export { CONFIG_ITEM_CHANGE } from './config-item.js';
export {
  type BusEnvelope,
  defineFileFormat,
  defineSource,
  type FileFormatDefinition,
  type GeneratedPattern,
  type IndexKey,
  type PatternDraft,
  type SourceDefinition,
} from './definition.js';
export { SourceRegistryError, UnsupportedEventError } from './errors.js';
export { GUARDDUTY_FINDING } from './guardduty.js';
export { intake, intakeRecord, type IntakeResult, intakeStreamedItem, MAX_REASON_LENGTH } from './intake.js';
export {
  checkTrigger,
  describeTrigger,
  envelopeOf,
  FILE_FORMATS,
  INGEST_ROUTES,
  indexSources,
  isWholeStateTrigger,
  observationKeyOf,
  patternsOf,
  SOURCES,
  STREAMED_KEYS,
  SUPPORTED_DETAIL_TYPES,
  type Trigger,
  TriggerSchema,
  triggerKeysOf,
} from './registry.js';
export { fromConfigType, isKnownResourceType, RESOURCE_TYPE_NAMES, RESOURCE_TYPES } from './resource-types.js';
export { toIsoTime } from './time.js';
export { CONFIG_FILE_KEY, configFileItem } from './config-file.js';
export { canonicalConfigItem, normalizeConfigItem } from './config-item.js';
export {
  type Observation,
  type ObservationOrigin,
  ORIGIN_KINDS,
  type OriginKind,
  type Rejection,
  type ResourceRef,
  Sources,
  type TriggerKey,
} from './types.js';
export { TAGGING_TRIGGERS, type TagChange, tagChangesOf } from './tag-changes.js';
export { isUnwatchedCloudTrailRecord } from './unwatched.js';
