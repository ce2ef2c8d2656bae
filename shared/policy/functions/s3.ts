import { globMatch, isRecord, spend } from '../../kernel/index.js';
import { asList } from './values.js';

/** How deep {@link s3Uris} looks into a request. */
const MAX_DEPTH = 12;

/** Longest location judged: S3 keys are at most 1,024 bytes, bucket names 63. */
const MAX_LOCATION = 2048;

/** A bucket name as S3 allows it (3 to 63 lower-case letters, digits, dots and hyphens). */
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** An S3 location as `s3://bucket[/key]`, from `s3://` or an https S3 URL; undefined for anything else. */
export function s3Location(value: string): string | undefined {
  const text = value.trim();
  if (text.length > MAX_LOCATION) return undefined;
  const lower = text.slice(0, 8).toLowerCase();
  if (lower.startsWith('s3://')) {
    const bucket = text.slice(5).split('/')[0]!;
    return BUCKET.test(bucket) ? `s3://${text.slice(5)}` : undefined;
  }
  if (!lower.startsWith('https://')) return undefined;
  const rest = text.slice(8);
  const slash = rest.indexOf('/');
  const host = (slash < 0 ? rest : rest.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '' : rest.slice(slash + 1);
  const suffix = ['.amazonaws.com', '.amazonaws.com.cn'].find((x) => host.endsWith(x));
  if (!suffix) return undefined;
  const labels = host.slice(0, -suffix.length).split('.');
  const isS3 = (l: string) => l === 's3' || l.startsWith('s3-');
  const at = labels.findIndex(isS3);
  if (at < 0) return undefined;
  // Path-style (https://s3.region.amazonaws.com/bucket/key) or virtual-hosted (https://bucket.s3.region.amazonaws.com/key).
  const bucket = at === 0 ? path.split('/')[0]! : labels.slice(0, at).join('.');
  const key = at === 0 ? path.slice(bucket.length + 1) : path;
  if (!BUCKET.test(bucket) || labels.slice(at).some((l) => l.includes('accesspoint'))) return undefined;
  return key ? `s3://${bucket}/${key}` : `s3://${bucket}`;
}

/** A field that names a data location (`s3Uri`, `S3OutputPath`, `s3DataSource`...): whatever it holds is one. */
function isDataField(key: string): boolean {
  const k = key.toLowerCase();
  return k.startsWith('s3') && (k.endsWith('uri') || k.endsWith('path') || k.endsWith('url'));
}

/**
 * Every data location of a request (inputs, outputs, checkpoints, code bundles passed as
 * hyperparameters, tuning definitions...), unique and in order of appearance: `s3://` URIs and
 * https S3 URLs (virtual-hosted and path-style) anywhere, as `s3://bucket/key`; and whatever a
 * data field (`s3Uri`, `s3OutputPath`...) holds that is not S3 (`https://exfil.example/`,
 * `gs://...`), as it is, so that it is never approved.
 * @example s3Uris({ outputDataConfig: { s3OutputPath: 's3://b/out/' } }) // ['s3://b/out/']
 */
export function s3Uris(value: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, key: string, depth: number): void => {
    spend();
    if (depth > MAX_DEPTH) return;
    if (typeof v === 'string') {
      const location = s3Location(v);
      if (location) out.add(location);
      else if (isDataField(key) && v.trim() !== '') out.add(v.trim().slice(0, MAX_LOCATION));
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, key, depth + 1);
    } else if (isRecord(v)) {
      for (const [k, x] of Object.entries(v)) walk(x, k, depth + 1);
    }
  };
  walk(value, '', 0);
  return [...out];
}

/**
 * True when an S3 location is in one of the approved `s3://<bucket>[/<key glob>]` entries: the
 * bucket equal (bucket names are global, so `s3://ml-training-attacker-owned-bucket` is another
 * bucket than `s3://ml-training`, and a pattern with a wildcard in its bucket approves nothing),
 * the key matching the key glob (no key glob, or `*`: the whole bucket). Only `s3://` locations
 * (or https S3 URLs, read as such) are ever approved.
 * @example dataLocationApproved('s3://ml-training/data/x', ['s3://ml-training/*']) // true
 */
export function dataLocationApproved(uri: unknown, globs: readonly unknown[]): boolean {
  if (typeof uri !== 'string') return false;
  const location = s3Location(uri);
  if (!location) return false;
  const rest = location.slice(5);
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const key = slash < 0 ? '' : rest.slice(slash + 1);
  return globs.some((g) => {
    if (typeof g !== 'string' || !g.startsWith('s3://')) return false;
    const body = g.slice(5);
    const cut = body.indexOf('/');
    const gBucket = cut < 0 ? body : body.slice(0, cut);
    const gKey = cut < 0 ? '' : body.slice(cut + 1);
    if (gBucket !== bucket || hasWildcard(gBucket)) return false;
    return gKey === '' || gKey === '*' || globMatch(gKey, key);
  });
}

const hasWildcard = (s: string) => s.includes('*') || s.includes('?');

const PUBLIC_CANNED = new Set(['public-read', 'public-read-write', 'authenticated-read']);
const PUBLIC_GROUPS = /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/;
const GRANT_HEADERS = [
  'x-amz-grant-read',
  'x-amz-grant-write',
  'x-amz-grant-read-acp',
  'x-amz-grant-write-acp',
  'x-amz-grant-full-control',
];

/**
 * True when PutBucketAcl/PutObjectAcl request parameters grant to everyone or to every
 * AWS account: a public canned ACL (`x-amz-acl`), a grant header, or an
 * `AccessControlPolicy` grant to the AllUsers/AuthenticatedUsers groups.
 * @example s3AclIsPublic({ 'x-amz-acl': ['public-read'] }) // true
 */
export function s3AclIsPublic(req: unknown): boolean {
  if (!isRecord(req)) return false;
  if (asList(req['x-amz-acl']).some((a) => typeof a === 'string' && PUBLIC_CANNED.has(a))) return true;
  if (GRANT_HEADERS.some((h) => asList(req[h]).some((g) => typeof g === 'string' && PUBLIC_GROUPS.test(g))))
    return true;
  const policy = req.AccessControlPolicy;
  const acl = isRecord(policy) ? policy.AccessControlList : undefined;
  const grants = isRecord(acl) ? asList(acl.Grant) : [];
  return grants.some(
    (g) => isRecord(g) && isRecord(g.Grantee) && typeof g.Grantee.URI === 'string' && PUBLIC_GROUPS.test(g.Grantee.URI),
  );
}
