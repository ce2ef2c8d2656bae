import { readdirSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { ArchiveObjects, BatchEvent, FolderLister, ResultObjects } from '../../../shared/backfill/index.js';
import { ArchiveReadError } from '../../../shared/backfill/index.js';
import { FIXTURES, fixtureEvent } from '../ingest/ingest-fixture.js';

/** The archive bucket of the tests. */
export const BUCKET = 'org-cloudtrail-archive';
export const DAY_PREFIX = 'AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/11/02/';

/**
 * The CloudTrail fixture events of the ingest tests as an archive: each event's `detail` (the raw
 * CloudTrail record) in a gzip log file `{"Records":[...]}`, one file per event, named so that
 * key order is not event-time order.
 */
export function cloudTrailArchive(): Map<string, Uint8Array> {
  const names = readdirSync(`${FIXTURES}/events`)
    .filter((f) => f.startsWith('ct-'))
    .sort();
  const objects = new Map<string, Uint8Array>();
  names.forEach((name, i) => {
    const record = fixtureEvent(name).detail;
    const key = `${DAY_PREFIX}111122223333_CloudTrail_eu-west-1_20261102T${String(23 - i).padStart(2, '0')}00Z_${name.replace('.json', '')}.json.gz`;
    objects.set(key, gzipSync(JSON.stringify({ Records: [record] })));
  });
  return objects;
}

/** An in-memory bucket: objects to read, objects written, and keys that answer AccessDenied. */
export class MemoryArchive implements ArchiveObjects, ResultObjects, FolderLister {
  public readonly written = new Map<string, string>();
  public constructor(
    private readonly objects: Map<string, Uint8Array>,
    private readonly denied: ReadonlySet<string> = new Set(),
  ) {}
  public async read(bucket: string, key: string): Promise<Uint8Array> {
    if (this.denied.has(key)) throw new ArchiveReadError('AccessDenied', `s3://${bucket}/${key}: access denied`, false);
    const body = this.objects.get(key);
    if (!body) throw new ArchiveReadError('NoSuchKey', `s3://${bucket}/${key}: NoSuchKey`, false);
    return body;
  }
  /** The folders under a prefix, from the keys (as a delimiter listing gives them). */
  public async folders(_bucket: string, prefix: string): Promise<string[]> {
    const out = new Set<string>();
    for (const key of this.objects.keys()) {
      if (!key.startsWith(prefix)) continue;
      const slash = key.indexOf('/', prefix.length);
      if (slash >= 0) out.add(key.slice(0, slash + 1));
    }
    return [...out].sort();
  }
  public async put(bucket: string, key: string, body: string): Promise<void> {
    this.written.set(`${bucket}/${key}`, body);
  }
}

/** The batches a Distributed Map makes of the keys, `size` keys each. */
export function batchesOf(keys: readonly string[], size: number, record: boolean): BatchEvent[] {
  const out: BatchEvent[] = [];
  for (let i = 0; i < keys.length; i += size)
    out.push({
      Items: keys.slice(i, i + size).map((key) => ({ key, size: 1 })),
      BatchInput: {
        bucket: BUCKET,
        kind: 'cloudtrail',
        runId: 'backfill-test',
        record,
        resultsBucket: 'results',
        resultsPrefix: 'backfill/backfill-test/',
      },
    });
  return out;
}
