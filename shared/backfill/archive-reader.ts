import type { Readable } from 'node:stream';
import { readObjectBytes, readObjectStream } from '../events/index.js';
import { inOrder } from '../kernel/index.js';
import type { IntakeResult } from '../sources/index.js';
import { ArchiveReadError, ArchiveSelectionError } from './errors.js';
import { acceptsKey, lastSegment } from './layout.js';
import { type ArchivePlan, type ArchiveSelection, type FolderLister, planArchive } from './plan.js';
import type { ArchiveObjects } from './ports.js';

/**
 * `scan s3://bucket/prefix` and `replay s3://...`: the objects of an archive, listed page by page
 * (the whole prefix, or the CloudTrail/Config date prefixes of a selection), read with bounded
 * concurrency and handed to the same reader as local files, in key order.
 */

/** One listed object. */
export interface ListedObject {
  key: string;
  size: number;
}

/** An S3 store as `readArchive` needs it: listings, whole bodies, and bodies as streams. */
export interface ArchiveStore extends ArchiveObjects, FolderLister {
  /** Every object under a prefix, in key order (ListObjectsV2, every page). Throws `ArchiveReadError`. */
  list(bucket: string, prefix: string): AsyncIterable<ListedObject>;
  /** The body of one object as a stream (objects too large to hold in memory). Throws `ArchiveReadError`. */
  open(bucket: string, key: string): Promise<Readable>;
}

/** `s3://bucket/prefix`. */
export interface S3Location {
  bucket: string;
  prefix: string;
}

/** Object reads under way at once unless `--concurrency` says otherwise. */
export const DEFAULT_READ_CONCURRENCY = 8;
/** Most reads at once `--concurrency` accepts. */
export const MAX_READ_CONCURRENCY = 64;
/** Objects up to this size are read whole (ahead, `concurrency` at a time); larger ones are streamed one at a time. */
export const WHOLE_OBJECT_BYTES = 16 * 1024 * 1024;

// Bucket names: 3 to 63 lowercase letters, digits, dots and hyphens (S3's rules; no underscores).
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** Keys the reader takes: the same extensions a folder walk takes. */
const EVENT_KEY = /\.(json|ndjson|jsonl)(\.gz)?$/i;

/** Whether a command-line argument names an S3 location rather than a file. */
export const isS3Url = (arg: string): boolean => arg.startsWith('s3://');

/**
 * Parses `s3://bucket[/prefix]`; throws {@link ArchiveSelectionError} for anything else.
 * @example parseS3Url('s3://org-trail/AWSLogs/') // { bucket: 'org-trail', prefix: 'AWSLogs/' }
 */
export function parseS3Url(url: string): S3Location {
  const rest = isS3Url(url) ? url.slice('s3://'.length) : '';
  const slash = rest.indexOf('/');
  const bucket = slash < 0 ? rest : rest.slice(0, slash);
  const prefix = slash < 0 ? '' : rest.slice(slash + 1);
  if (!BUCKET.test(bucket))
    throw new ArchiveSelectionError('s3 URL', 'expected s3://<bucket>[/<prefix>] with a valid bucket name');
  if (prefix.length > 1024) throw new ArchiveSelectionError('s3 URL', 'a prefix of more than 1,024 characters');
  return { bucket, prefix };
}

/** How to read an archive. */
export interface ArchiveReadOptions {
  /** Object reads under way at once (default {@link DEFAULT_READ_CONCURRENCY}). */
  concurrency?: number;
  /** Select the CloudTrail/Config prefixes of a date range (and accounts, regions) instead of listing the whole prefix. */
  selection?: ArchiveSelection;
  /** What the selection planned (prefixes, accounts and regions found). */
  onPlan?: (plan: ArchivePlan) => void;
  /** Called when an object starts, for progress output. */
  onObject?: (where: string) => void;
  /** Called for listed keys the reader passes over (digests, non-JSON), with the reason. */
  onSkip?: (where: string, reason: string) => void;
}

/** Why a listed key is not read, or undefined when it is. */
function skipReason(key: string, selection: ArchiveSelection | undefined): string | undefined {
  if (key.endsWith('/')) return 'a folder marker';
  if (key.includes('/CloudTrail-Digest/')) return 'a CloudTrail digest file (no events)';
  if (lastSegment(key).startsWith('ConfigWritabilityCheckFile')) return 'a Config writability check (no events)';
  if (!EVENT_KEY.test(key)) return 'not .json, .json.gz, .ndjson or .jsonl';
  if (selection && !acceptsKey(selection.kind, key)) return `not a ${selection.kind} file`;
  return undefined;
}

/** The keys to read, prefix after prefix, each listing page by page. */
async function* keysOf(
  store: ArchiveStore,
  location: S3Location,
  options: ArchiveReadOptions,
): AsyncGenerator<ListedObject> {
  let prefixes = [location.prefix];
  if (options.selection) {
    const plan = await planArchive(store, location.bucket, location.prefix, options.selection);
    options.onPlan?.(plan);
    prefixes = plan.prefixes;
  }
  for (const prefix of prefixes)
    for await (const o of store.list(location.bucket, prefix)) {
      const reason = skipReason(o.key, options.selection);
      if (reason) options.onSkip?.(`s3://${location.bucket}/${o.key}`, reason);
      else yield o;
    }
}

type Body = { bytes: Uint8Array } | { stream: true };

/**
 * The records of an archive's objects, in key order, as observations or rejections (the reader
 * of local files: gzip, `{"Records":[...]}`, arrays, NDJSON). At most `concurrency` small objects
 * are held at once; a larger one is streamed when its turn comes, so memory stays flat. An object
 * that cannot be read (access denied, still throttled after the client's retries) is one
 * rejection with its reason; a listing that fails (no such bucket) throws `ArchiveReadError`.
 * @example for await (const r of readArchive(new S3Archive(), parseS3Url('s3://trail/AWSLogs/'))) ...
 */
export async function* readArchive(
  store: ArchiveStore,
  location: S3Location,
  options: ArchiveReadOptions = {},
): AsyncGenerator<IntakeResult> {
  const concurrency = options.concurrency ?? DEFAULT_READ_CONCURRENCY;
  const fetch = async (o: ListedObject): Promise<Body> =>
    o.size > WHOLE_OBJECT_BYTES ? { stream: true } : { bytes: await store.read(location.bucket, o.key) };
  for await (const { item, result } of inOrder(keysOf(store, location, options), concurrency, fetch)) {
    const where = `s3://${location.bucket}/${item.key}`;
    options.onObject?.(where);
    if (result.status === 'rejected') {
      yield rejectionOf(result.reason, where);
      continue;
    }
    const body = result.value;
    if ('bytes' in body) {
      yield* readObjectBytes(body.bytes, where);
      continue;
    }
    let stream: Readable;
    try {
      stream = await store.open(location.bucket, item.key);
    } catch (err) {
      yield rejectionOf(err, where);
      continue;
    }
    yield* readObjectStream(stream, where);
  }
}

function rejectionOf(err: unknown, where: string): IntakeResult {
  if (!(err instanceof ArchiveReadError)) throw err;
  const what = err.code === 'AccessDenied' ? 'access denied' : err.code;
  return { ok: false, rejection: { where, reason: `cannot read: ${what}` } };
}
