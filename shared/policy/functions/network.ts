import { isRecord } from '../../kernel/index.js';

/** The address family and prefix length of a CIDR or a single address. */
export interface CidrPrefix {
  family: 4 | 6;
  bits: number;
}

function ipv4(address: string): boolean {
  const parts = address.split('.');
  return parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255);
}

function ipv6(address: string): boolean {
  return address.includes(':') && /^[0-9a-fA-F:.]{2,45}$/.test(address) && address.split('::').length <= 2;
}

/**
 * The prefix of `198.51.100.0/24`, `2001:db8::/32`, or of one address (`/32`, `/128`); undefined
 * for anything else. No regex on more than 64 characters (the longest CIDR has 49).
 * @example cidrPrefix('0.0.0.0/1') // { family: 4, bits: 1 }
 */
export function cidrPrefix(cidr: unknown): CidrPrefix | undefined {
  if (typeof cidr !== 'string' || cidr.length > 64) return undefined;
  const text = cidr.trim();
  const slash = text.indexOf('/');
  const address = slash < 0 ? text : text.slice(0, slash);
  const family = ipv4(address) ? 4 : ipv6(address) ? 6 : undefined;
  if (!family) return undefined;
  const max = family === 4 ? 32 : 128;
  const bits = slash < 0 ? max : /^\d{1,3}$/.test(text.slice(slash + 1)) ? Number(text.slice(slash + 1)) : Number.NaN;
  return bits >= 0 && bits <= max ? { family, bits } : undefined;
}

/**
 * True for a CIDR that opens to the internet: any `/0` prefix whatever the address before it
 * (`0.0.0.0/0`, `::/0`, `203.0.113.9/0`), and any prefix wider than /8 (IPv4) or /16 (IPv6),
 * wider than any one organization's network, so that `0.0.0.0/1` + `128.0.0.0/1` (the internet in
 * two halves) or `2000::/3` (every global IPv6 address) count too.
 */
export function isWorldCidr(cidr: unknown): boolean {
  const prefix = cidrPrefix(cidr);
  return prefix !== undefined && prefix.bits < (prefix.family === 4 ? 8 : 16);
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

const text = (v: unknown, max: number) =>
  typeof v === 'string' || typeof v === 'number' ? String(v).slice(0, max) : '';

/** `tcp 22-22 from 0.0.0.0/0`: what one world-open entry of a permission opens. */
function opening(perm: Record<string, unknown>, cidr: string): string {
  const protocol = text(perm.ipProtocol, 16) || '?';
  const ports = protocol === '-1' ? 'all' : `${text(perm.fromPort, 8) || '?'}-${text(perm.toPort, 8) || '?'}`;
  return `${protocol === '-1' ? 'all' : protocol} ${ports} from ${cidr.trim()}`;
}

/**
 * What a security-group request opens to the internet, one entry per protocol, port range and
 * world CIDR (`tcp 22-22 from 0.0.0.0/0`): the facets of TPS-NET-01, so that revoking port 8888
 * resolves the drift of port 8888 and not the one of port 22. [] when nothing is world-open.
 * @example worldOpenings({ ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: 22, toPort: 22, ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] } }] } }) // ['tcp 22-22 from 0.0.0.0/0']
 */
export function worldOpenings(req: unknown): string[] {
  if (!isRecord(req)) return [];
  const out = new Set<string>();
  for (const cidr of [req.cidrIp, req.cidrIpv6]) if (isWorldCidr(cidr)) out.add(opening(req, cidr as string));
  for (const perm of items(req.ipPermissions)) {
    if (!isRecord(perm)) continue;
    for (const r of items(perm.ipRanges))
      if (isRecord(r) && isWorldCidr(r.cidrIp)) out.add(opening(perm, r.cidrIp as string));
    for (const r of items(perm.ipv6Ranges))
      if (isRecord(r) && isWorldCidr(r.cidrIpv6)) out.add(opening(perm, r.cidrIpv6 as string));
  }
  return [...out];
}

/** The bucket of an `s3://bucket/key` URI or an S3 ARN; '' for anything else. */
export function s3BucketOf(uri: unknown): string {
  if (typeof uri !== 'string') return '';
  // The scheme or ARN prefix, then the bucket: at most 63 characters, so 128 of the text decide.
  const m = /^(?:s3:\/\/|arn:aws[\w-]{0,16}:s3:::)([^/]+)/.exec(uri.slice(0, 128));
  const bucket = m?.[1] ?? '';
  return bucket.length <= 63 ? bucket : '';
}
