export * from '../sources/types.js';
export * from '../sources/intake.js';
export * from './reader.js';
export { normalizeCloudTrail, CLOUDTRAIL_DETAIL_TYPE } from '../sources/cloudtrail.js';
export { RESOURCE_TYPES, RESOURCE_TYPE_NAMES, isKnownResourceType, type ResourceType } from '../sources/resource-types.js';
export { toIsoTime } from '../sources/time.js';
