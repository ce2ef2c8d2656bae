import {
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { Readable } from 'node:stream';
import { ArchiveReadError, type ArchiveStore, type ListedObject, type ResultObjects } from '../../backfill/index.js';
import { escapeControls } from '../../kernel/index.js';

/**
 * The archive bucket through the AWS SDK: listings (ListObjectsV2, every page), object bodies
 * (GetObject) and the backfill's own objects (PutObject). Loaded on demand (`loadS3Archive()`):
 * only a command given an `s3://` argument, and the backfill worker, load the S3 client.
 *
 * Credentials and region come from the standard chain; `AWS_ENDPOINT_URL_S3` (read by the SDK)
 * points it at an S3-compatible store, which wants path-style requests (`forcePathStyle`).
 */

/** S3 error codes another try cannot fix: the object is rejected with the code as its reason. */
const FINAL_CODES = new Set([
  'AccessDenied',
  'NoSuchKey',
  'NoSuchBucket',
  'InvalidObjectState',
  'AllAccessDisabled',
  'InvalidArgument',
  'KMS.AccessDeniedException',
  'KMS.DisabledException',
  'KMS.NotFoundException',
]);

/** A body cut mid-stream resolves GetObject, then fails its read: the object is fetched again this often. */
export const BODY_ATTEMPTS = 3;

/** Options of the client: the region and profile of the command, path style for a custom endpoint. */
export interface S3ArchiveOptions {
  region?: string;
  profile?: string;
  forcePathStyle?: boolean;
  /** A client built elsewhere (tests: a fast retry strategy). */
  client?: S3Client;
  /** Keys per ListObjectsV2 page (S3's maximum and default: 1000). */
  pageSize?: number;
}

const codeOf = (err: unknown): string => {
  if (err instanceof S3ServiceException) return err.name;
  const e = err as { name?: string; code?: string } | null;
  return e?.code ?? e?.name ?? 'Error';
};

/** An SDK failure as a one-line error naming the object, and whether it is worth another try. */
export function archiveErrorOf(err: unknown, bucket: string, key?: string): ArchiveReadError {
  const code = codeOf(err);
  const status = (err as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;
  const final = FINAL_CODES.has(code) || status === 403 || status === 404;
  const where = key === undefined ? `s3://${bucket}` : `s3://${bucket}/${key}`;
  const what =
    code === 'NoSuchBucket'
      ? 'no such bucket'
      : code === 'AccessDenied' || status === 403
        ? 'access denied'
        : err instanceof S3ServiceException || !(err instanceof Error)
          ? code
          : `${code}: ${escapeControls(err.message.split('\n')[0]!.slice(0, 200))}`;
  return new ArchiveReadError(code, `${where}: ${what}`, !final, { cause: err });
}

/**
 * The S3 side of `scan s3://`, `replay s3://` and the backfill worker.
 * @example const archive = new S3Archive({ forcePathStyle: Boolean(process.env.AWS_ENDPOINT_URL_S3) })
 */
export class S3Archive implements ArchiveStore, ResultObjects {
  private readonly client: S3Client;
  private readonly pageSize: number | undefined;

  public constructor(options: S3ArchiveOptions = {}) {
    const config: S3ClientConfig = {
      ...(options.region ? { region: options.region } : {}),
      ...(options.profile ? { profile: options.profile } : {}),
      ...(options.forcePathStyle ? { forcePathStyle: true } : {}),
      // An organization's log bucket is often in another region than the caller's default.
      followRegionRedirects: true,
    };
    this.client = options.client ?? new S3Client(config);
    this.pageSize = options.pageSize;
  }

  /** Every object under a prefix, page by page, in key order. Throws {@link ArchiveReadError}. */
  public async *list(bucket: string, prefix: string): AsyncGenerator<ListedObject> {
    let token: string | undefined;
    do {
      const page = await this.listPage(bucket, prefix, token);
      for (const o of page.Contents ?? []) if (o.Key) yield { key: o.Key, size: o.Size ?? 0 };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }

  /** The folders under a prefix (`Delimiter: '/'`), every page. */
  public async folders(bucket: string, prefix: string): Promise<string[]> {
    const out: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.listPage(bucket, prefix, token, '/');
      for (const p of page.CommonPrefixes ?? []) if (p.Prefix) out.push(p.Prefix);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return out;
  }

  private async listPage(bucket: string, prefix: string, token: string | undefined, delimiter?: string) {
    try {
      return await this.client.send(
        new ListObjectsV2Command({
          Bucket: bucket,
          Prefix: prefix,
          ...(token ? { ContinuationToken: token } : {}),
          ...(delimiter ? { Delimiter: delimiter } : {}),
          ...(this.pageSize ? { MaxKeys: this.pageSize } : {}),
        }),
      );
    } catch (err) {
      throw archiveErrorOf(err, bucket);
    }
  }

  /**
   * The bytes of an object (inflated later by the reader). The SDK retries throttling and 5xx
   * answers itself; a body cut after the answer began is not the SDK's to retry, so it is fetched
   * again here, up to {@link BODY_ATTEMPTS} times.
   */
  public async read(bucket: string, key: string): Promise<Uint8Array> {
    let last: unknown;
    for (let attempt = 1; attempt <= BODY_ATTEMPTS; attempt++) {
      let body: { transformToByteArray(): Promise<Uint8Array> } | undefined;
      try {
        const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        body = out.Body;
      } catch (err) {
        throw archiveErrorOf(err, bucket, key);
      }
      if (!body) return new Uint8Array();
      try {
        return await body.transformToByteArray();
      } catch (err) {
        last = err;
      }
    }
    throw new ArchiveReadError('BodyCut', `s3://${bucket}/${key}: the body was cut ${BODY_ATTEMPTS} times`, true, {
      cause: last,
    });
  }

  /** The body of one object as a stream (inflated by the reader). */
  public async open(bucket: string, key: string): Promise<Readable> {
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
      return out.Body as Readable;
    } catch (err) {
      throw archiveErrorOf(err, bucket, key);
    }
  }

  public async put(bucket: string, key: string, body: string, contentType: string): Promise<void> {
    try {
      await this.client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
    } catch (err) {
      throw archiveErrorOf(err, bucket, key);
    }
  }
}
