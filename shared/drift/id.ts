import { createHash } from 'node:crypto';

/** What identifies one drift record: one rule on one resource in one account and region. */
export interface DriftKey {
  account: string;
  region: string;
  resourceType: string;
  resourceId: string;
  ruleId: string;
}

/**
 * The stable id of a drift record: a hash of account, region, resource type, resource id and
 * rule id, so every event about the same (resource, rule) lands on the same record whatever
 * its source or arrival order. 20 hex characters (80 bits): collisions are not a practical concern.
 * @example driftIdOf({ account: '111122223333', region: 'eu-west-1', resourceType: 's3-bucket', resourceId: 'ml-training-data', ruleId: 'TPS-S3-04' }) // 'd-5f0c…'
 */
export function driftIdOf(key: DriftKey): string {
  const text = [key.account, key.region, key.resourceType, key.resourceId, key.ruleId].join('\u0000');
  return `d-${createHash('sha256').update(text).digest('hex').slice(0, 20)}`;
}

/** True for a string shaped like a drift id (CLI arguments are checked before any lookup). */
export function isDriftId(value: string): boolean {
  return /^d-[0-9a-f]{20}$/.test(value);
}
