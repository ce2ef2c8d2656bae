import type { ResourceRef } from '../sources/index.js';
import { RESOURCE_TYPES, isKnownResourceType } from '../sources/index.js';
import { globAny } from '../kernel/index.js';
import type { TpguardConfig } from './schema.js';

/** Resource types whose names AWS compares without case. */
const CASE_INSENSITIVE = new Set(['iam-role', 'iam-user']);

/**
 * True when a resource belongs to the training pipeline: its type is always in
 * scope, or its id, name or ARN matches a scope glob, or it carries a scope tag.
 * @example inScope({ type: 's3-bucket', id: 'ml-training-data' }, config)
 */
export function inScope(resource: ResourceRef, config: TpguardConfig): boolean {
  if (isKnownResourceType(resource.type) && RESOURCE_TYPES[resource.type].alwaysInScope) return true;
  const globs = (config.scope.resources as Record<string, string[] | undefined>)[resource.type] ?? [];
  if (globs.length > 0 && globAny([resource.id, resource.name, resource.arn], globs)) return true;
  // IAM names are case-insensitive (`sagemakertrainingexecution` is the role SageMakerTrainingExecution).
  if (globs.length > 0 && CASE_INSENSITIVE.has(resource.type)) {
    const lower = (v: string | undefined) => v?.toLowerCase();
    if (globAny([resource.id, resource.name, resource.arn].map(lower), globs.map(lower))) return true;
  }
  const tags = resource.tags;
  if (!tags) return false;
  for (const [key, values] of Object.entries(config.scope.tags)) {
    const v = tags[key];
    if (v !== undefined && globAny(v, values)) return true;
  }
  return false;
}
