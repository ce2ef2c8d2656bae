import { isRecord } from '../../kernel/index.js';

/**
 * True for a CIDR that opens to the whole internet: any `/0` prefix, whatever the
 * address before it (`0.0.0.0/0`, `::/0`, `203.0.113.9/0`).
 */
export function isWorldCidr(cidr: unknown): boolean {
  return typeof cidr === 'string' && /^[0-9a-fA-F.:]+\/0$/.test(cidr.trim());
}

function items(v: unknown): unknown[] {
  if (Array.isArray(v)) return v;
  if (isRecord(v) && Array.isArray(v.items)) return v.items;
  return [];
}

/**
 * True when security-group request parameters open a rule to the world: the
 * `ipPermissions` form (`items[].ipRanges.items[].cidrIp`, `ipv6Ranges...cidrIpv6`)
 * or the legacy top-level `cidrIp`.
 */
export function opensToWorld(req: unknown): boolean {
  if (!isRecord(req)) return false;
  if (isWorldCidr(req.cidrIp) || isWorldCidr(req.cidrIpv6)) return true;
  return items(req.ipPermissions).some((perm) => {
    if (!isRecord(perm)) return false;
    return (
      items(perm.ipRanges).some((r) => isRecord(r) && isWorldCidr(r.cidrIp)) ||
      items(perm.ipv6Ranges).some((r) => isRecord(r) && isWorldCidr(r.cidrIpv6))
    );
  });
}

/** The bucket of an `s3://bucket/key` URI or an S3 ARN; '' for anything else. */
export function s3BucketOf(uri: unknown): string {
  if (typeof uri !== 'string') return '';
  const m = /^(?:s3:\/\/|arn:aws[\w-]*:s3:::)([^/]+)/.exec(uri);
  return m?.[1] ?? '';
}
