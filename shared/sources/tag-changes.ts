import { isRecord } from '../kernel/index.js';
import type { Trigger } from './registry.js';
import { RESOURCE_TYPES, isKnownResourceType } from './resource-types.js';
import type { Observation, ResourceRef } from './types.js';

/**
 * What an observation tells about a resource's tags. CloudTrail carries no tags on the calls rules
 * judge (PutBucketPolicy names a bucket, not its tags), so scope by tag needs them remembered from
 * what does carry them: Config items, GuardDuty findings and CreateTrainingJob (the resource's
 * whole tag set), S3 PutBucketTagging/DeleteBucketTagging (the whole set) and SageMaker
 * AddTags/DeleteTags (some keys).
 */
export type TagChange =
  | { resource: ResourceRef; kind: 'replace'; tags: Record<string, string> }
  | { resource: ResourceRef; kind: 'merge'; tags: Record<string, string> }
  | { resource: ResourceRef; kind: 'remove'; keys: string[] };

/** The tagging calls tpguard listens to for the tags they set, whatever the pack's rules (see `generatePatterns`). */
export const TAGGING_TRIGGERS: readonly Trigger[] = [
  { source: 'cloudtrail', eventSource: 's3.amazonaws.com', eventName: ['PutBucketTagging', 'DeleteBucketTagging'] },
  { source: 'cloudtrail', eventSource: 'sagemaker.amazonaws.com', eventName: ['AddTags', 'DeleteTags'] },
] as unknown as readonly Trigger[];

/** SageMaker ARN resource segment -> tpguard resource type (the types scope can name). */
const SAGEMAKER_ARN_TYPES: Readonly<Record<string, string>> = {
  'notebook-instance': 'sagemaker-notebook-instance',
  'training-job': 'sagemaker-training-job',
  'processing-job': 'sagemaker-processing-job',
  'hyper-parameter-tuning-job': 'sagemaker-tuning-job',
  pipeline: 'sagemaker-pipeline',
};

/** At most this many tags are read from one call (AWS allows 50 per resource). */
const MAX_TAGS_READ = 200;

function pairs(list: unknown, key: string, value: string): Record<string, string> {
  const items = Array.isArray(list) ? list : isRecord(list) ? [list] : [];
  const out: Record<string, string> = {};
  for (const t of items.slice(0, MAX_TAGS_READ)) {
    if (isRecord(t) && typeof t[key] === 'string' && typeof t[value] === 'string')
      out[t[key] as string] = t[value] as string;
  }
  return out;
}

function sagemakerResource(arn: unknown): ResourceRef | undefined {
  if (typeof arn !== 'string' || arn.length > 2048) return undefined;
  const parts = arn.split(':');
  const path = parts.slice(5).join(':');
  const slash = path.indexOf('/');
  if (parts[2] !== 'sagemaker' || slash < 0) return undefined;
  const type = SAGEMAKER_ARN_TYPES[path.slice(0, slash)];
  const name = path.slice(slash + 1);
  return type && name ? { type, id: name, name, arn } : undefined;
}

/** The tag changes of a tagging call that succeeded, by event name (lookup table). */
const CALLS: Readonly<Record<string, (req: Record<string, unknown>) => TagChange | undefined>> = {
  PutBucketTagging: (req) => {
    const bucket = req.bucketName;
    if (typeof bucket !== 'string' || bucket.length === 0) return undefined;
    const tagSet = isRecord(req.Tagging) && isRecord(req.Tagging.TagSet) ? req.Tagging.TagSet.Tag : undefined;
    return { resource: bucketRef(bucket), kind: 'replace', tags: pairs(tagSet, 'Key', 'Value') };
  },
  DeleteBucketTagging: (req) =>
    typeof req.bucketName === 'string' && req.bucketName.length > 0
      ? { resource: bucketRef(req.bucketName), kind: 'replace', tags: {} }
      : undefined,
  AddTags: (req) => {
    const resource = sagemakerResource(req.resourceArn);
    return resource ? { resource, kind: 'merge', tags: pairs(req.tags, 'key', 'value') } : undefined;
  },
  DeleteTags: (req) => {
    const resource = sagemakerResource(req.resourceArn);
    const keys = Array.isArray(req.tagKeys) ? req.tagKeys.slice(0, MAX_TAGS_READ) : [];
    return resource ? { resource, kind: 'remove', keys: keys.filter((k) => typeof k === 'string') } : undefined;
  },
};

function bucketRef(bucket: string): ResourceRef {
  return { type: 's3-bucket', id: bucket, name: bucket, arn: `arn:aws:s3:::${bucket}` };
}

/** True for types whose scope tags can decide (always-in-scope types never need them). */
function scopedByTags(type: string): boolean {
  return !(isKnownResourceType(type) && RESOURCE_TYPES[type].alwaysInScope);
}

/**
 * The tag changes an observation shows, for the resources whose scope tags can decide.
 * @example tagChangesOf(configItemObservation) // [{ resource: { type: 's3-bucket', id: 'b' }, kind: 'replace', tags: { 'ml:pipeline': 'training' } }]
 */
export function tagChangesOf(obs: Observation): TagChange[] {
  const out: TagChange[] = [];
  for (const r of obs.resources) {
    if (r.tags && scopedByTags(r.type)) out.push({ resource: r, kind: 'replace', tags: r.tags });
  }
  if (obs.source !== 'cloudtrail' || obs.errorCode) return out;
  const name = obs.trigger.eventName;
  const call = name && Object.hasOwn(CALLS, name) ? CALLS[name] : undefined;
  const req = isRecord(obs.detail.requestParameters) ? obs.detail.requestParameters : undefined;
  const change = call && req ? call(req) : undefined;
  if (change && scopedByTags(change.resource.type)) out.push(change);
  return out;
}
