export { intake, intakeRecord, type IntakeResult, MAX_REASON_LENGTH, SUPPORTED_DETAIL_TYPES } from './intake.js';
export { isKnownResourceType, RESOURCE_TYPE_NAMES, RESOURCE_TYPES } from './resource-types.js';
export { toIsoTime } from './time.js';
export { type Observation, type Rejection, type ResourceRef, Sources, type TriggerKey } from './types.js';
export { UnsupportedEventError } from './errors.js';
export { isUnwatchedCloudTrailRecord } from './unwatched.js';
