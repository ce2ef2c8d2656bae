export * from './types.js';
export * from './normalize.js';
export * from './reader.js';
export { normalizeCloudTrail, CLOUDTRAIL_DETAIL_TYPE } from './cloudtrail.js';
export { RESOURCE_TYPES, RESOURCE_TYPE_NAMES, isKnownResourceType, type ResourceType } from './resource-types.js';
export { toIsoTime } from './time.js';
