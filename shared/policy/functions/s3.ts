import { isRecord } from '../../kernel/index.js';
import { asList } from './values.js';

/** How deep {@link s3Uris} looks into a request. */
const MAX_DEPTH = 12;

/**
 * Every `s3://` URI anywhere in a request (inputs, outputs, checkpoints, code bundles
 * passed as hyperparameters, tuning definitions...), unique and in order of appearance.
 * @example s3Uris({ outputDataConfig: { s3OutputPath: 's3://b/out/' } }) // ['s3://b/out/']
 */
export function s3Uris(value: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, depth: number): void => {
    if (depth > MAX_DEPTH) return;
    if (typeof v === 'string') {
      if (/^s3:\/\/[^/\s]+/i.test(v.trim())) out.add(v.trim());
    } else if (Array.isArray(v)) {
      for (const x of v) walk(x, depth + 1);
    } else if (isRecord(v)) {
      for (const x of Object.values(v)) walk(x, depth + 1);
    }
  };
  walk(value, 0);
  return [...out];
}

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
