import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { type LocalS3, putObjects, startLocalS3 } from '../helpers/s3-server.js';
import { FIXTURE_CONFIG, FIXTURE_POLICIES, fixtureEvent } from '../shared/ingest/ingest-fixture.js';
import { cloudTrailArchive, DAY_PREFIX } from '../shared/backfill/archive-fixture.js';

/**
 * `tpguard scan s3://` and `tpguard replay s3://` against a real S3 API on 127.0.0.1 (fauxqs behind
 * a fault proxy, started here), through the SDK's default chain and `AWS_ENDPOINT_URL_S3` (issue 18).
 */

const BUCKET = 'org-trail-archive';
const ACCOUNT_ROOT = 'AWSLogs/o-a1b2c3d4e5/111122223333/';
const OCT_31 = `${ACCOUNT_ROOT}CloudTrail/eu-west-1/2026/10/31/`;
const NOV_03 = `${ACCOUNT_ROOT}CloudTrail/eu-west-1/2026/11/03/`;
const DIGEST = `${ACCOUNT_ROOT}CloudTrail-Digest/eu-west-1/2026/11/02/111122223333_CloudTrail-Digest_eu-west-1_x.json.gz`;

/** A CloudTrail record with its own event id (so it counts apart from the one it copies). */
const recordOf = (name: string, eventID: string) => ({ ...(fixtureEvent(name).detail as object), eventID });

/** The archive: the gzip day of the fixture, a plain object on 11-03, a violation on 10-31 and a digest. */
function archive(): Map<string, Uint8Array> {
  const objects = cloudTrailArchive();
  const plain = JSON.stringify({
    Records: [recordOf('ct-training-open.json', 'e0000000-0000-4000-8000-000000001103')],
  });
  objects.set(`${NOV_03}111122223333_CloudTrail_eu-west-1_20261103T0000Z_plain.json`, Buffer.from(plain));
  const old = JSON.stringify({ Records: [recordOf('ct-training-open.json', 'e0000000-0000-4000-8000-000000001031')] });
  objects.set(`${OCT_31}111122223333_CloudTrail_eu-west-1_20261031T0000Z_old.json.gz`, gzipSync(old));
  objects.set(DIGEST, gzipSync(JSON.stringify({ awsAccountId: '111122223333', digestStartTime: '2026-11-02' })));
  return objects;
}

const OBJECTS = archive();
const EVENT_KEYS = [...OBJECTS.keys()].filter((k) => k !== DIGEST);
const FIXTURE_ARGS = ['--config', FIXTURE_CONFIG, '--policy', FIXTURE_POLICIES];

let s3: LocalS3;
let disk: string;

beforeAll(async () => {
  s3 = await startLocalS3();
  await putObjects(s3.admin, BUCKET, OBJECTS);
  // The same event files on disk, for the comparison with a scan from disk.
  disk = mkdtempSync(join(tmpdir(), 'tpguard-s3-disk-'));
  for (const key of EVENT_KEYS) {
    const body = OBJECTS.get(key)!;
    mkdirSync(join(disk, dirname(key)), { recursive: true });
    writeFileSync(join(disk, key), body);
  }
});
afterEach(() => s3.proxy.reset());
afterAll(async () => {
  await s3?.stop();
  rmSync(disk, { recursive: true, force: true });
});

const rowsOf = (ndjson: string) =>
  ndjson
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const withoutWhere = (rows: Record<string, unknown>[]) =>
  rows.map(({ where: _where, ...rest }) => rest).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe('CLI: scan s3://', () => {
  it('finds in the archive what a scan of the same files on disk finds, gzip and plain objects alike', async () => {
    // Act
    const fromS3 = await runCli(['scan', `s3://${BUCKET}/AWSLogs/`, '--format', 'ndjson', ...FIXTURE_ARGS]);
    const fromDisk = await runCli(['scan', join(disk, 'AWSLogs'), '--format', 'ndjson', ...FIXTURE_ARGS]);

    // Assess
    expect(fromS3.code).toBe(1);
    expect(fromDisk.code).toBe(1);
    const rows = rowsOf(fromS3.stdout);
    expect(rows.length).toBeGreaterThan(2);
    expect(withoutWhere(rows)).toEqual(withoutWhere(rowsOf(fromDisk.stdout)));
    const plain = `s3://${BUCKET}/${NOV_03}111122223333_CloudTrail_eu-west-1_20261103T0000Z_plain.json`;
    expect(rows.some((r) => String(r.where).startsWith(plain))).toBe(true);
    expect(rows.some((r) => String(r.where).startsWith(`s3://${BUCKET}/${DAY_PREFIX}`))).toBe(true);
    expect(fromS3.stderr).toContain(`s3://${BUCKET}/${DIGEST}: skipped: a CloudTrail digest file (no events)`);
    expect(s3.proxy.requests.GetObject).toBe(EVENT_KEYS.length);
  });

  it('lists only the date prefixes of --from/--to, accounts and regions discovered', async () => {
    // Act
    const r = await runCli([
      'scan',
      `s3://${BUCKET}`,
      '--from',
      '2026-11-01',
      '--to',
      '2026-11-30',
      '--format',
      'json',
      ...FIXTURE_ARGS,
    ]);

    // Assess
    expect(r.code).toBe(1);
    const listed = s3.proxy.log.filter((l) => l.operation === 'ListObjectsV2').map((l) => l.prefix);
    expect(listed).toContain(`${ACCOUNT_ROOT}CloudTrail/eu-west-1/2026/11/`);
    expect(listed).not.toContain('');
    expect(listed.some((p) => p?.includes('/2026/10/'))).toBe(false);
    const out = JSON.parse(r.stdout) as { summary: { events: number }; results: { where: string }[] };
    expect(out.summary.events).toBe(EVENT_KEYS.length - 1);
    expect(out.results.some((x) => x.where.includes('/2026/10/31/'))).toBe(false);
    expect(r.stderr).toContain(`s3://${BUCKET}: listing 1 prefix (1 account, 1 organization, 1 region)`);
  });

  it('reads every page of a listing', async () => {
    // Prepare: the adapter with pages of 2 keys
    const { loadS3Archive } = await import('../../shared/adapters/aws/index.js');
    const { S3Archive } = await loadS3Archive();
    const store = new S3Archive({ forcePathStyle: true, pageSize: 2 });

    // Act
    const keys: string[] = [];
    for await (const o of store.list(BUCKET, 'AWSLogs/')) keys.push(o.key);

    // Assess
    expect(keys).toEqual([...OBJECTS.keys()].sort());
    expect(s3.proxy.requests.ListObjectsV2).toBe(Math.ceil(OBJECTS.size / 2));
  });

  it('says in one line that a bucket does not exist (exit 2)', async () => {
    // Act
    const r = await runCli(['scan', 's3://no-such-archive/AWSLogs/', ...FIXTURE_ARGS]);

    // Assess
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('tpguard: s3://no-such-archive: no such bucket');
    expect(r.stdout).toBe('');
  });

  it('rejects an object it may not read with the reason, and scans the rest', async () => {
    // Prepare
    const denied = EVENT_KEYS[2]!;
    s3.proxy.setPlan(({ operation, key }) =>
      operation === 'GetObject' && key === denied ? 'access-denied' : undefined,
    );

    // Act
    const r = await runCli(['scan', `s3://${BUCKET}/AWSLogs/`, '--format', 'json', ...FIXTURE_ARGS]);

    // Assess
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`s3://${BUCKET}/${denied}: cannot read: access denied`);
    const out = JSON.parse(r.stdout) as { summary: { events: number; rejected: number } };
    expect(out.summary).toMatchObject({ events: EVENT_KEYS.length - 1, rejected: 1 });
    expect(s3.proxy.faults['access-denied']).toBe(1);
  });

  it('retries a throttled GetObject (SlowDown) and reads every object', async () => {
    // Prepare: every object's first GetObject answers 503 SlowDown
    s3.proxy.setPlan(({ operation, attempt }) =>
      operation === 'GetObject' && attempt === 0 ? 'slow-down' : undefined,
    );

    // Act
    const r = await runCli([
      'scan',
      `s3://${BUCKET}/AWSLogs/`,
      '--format',
      'json',
      '--concurrency',
      '3',
      ...FIXTURE_ARGS,
    ]);

    // Assess
    expect(r.code).toBe(1);
    expect(s3.proxy.faults['slow-down']).toBe(EVENT_KEYS.length);
    expect(s3.proxy.requests.GetObject).toBe(2 * EVENT_KEYS.length);
    const out = JSON.parse(r.stdout) as { summary: { events: number; rejected: number } };
    expect(out.summary).toMatchObject({ events: EVENT_KEYS.length, rejected: 0 });
  });

  it('refuses a URL without a valid bucket and archive options without an s3:// argument', async () => {
    // Act
    const badUrl = await runCli(['scan', 's3://Not_A_Bucket/x', ...FIXTURE_ARGS]);
    const noUrl = await runCli(['scan', disk, '--from', '2026-11-01', ...FIXTURE_ARGS]);
    const badConcurrency = await runCli(['scan', `s3://${BUCKET}`, '--concurrency', '0', ...FIXTURE_ARGS]);

    // Assess
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('expected s3://<bucket>[/<prefix>]');
    expect(noUrl.code).toBe(2);
    expect(noUrl.stderr).toContain('apply to s3:// arguments only');
    expect(badConcurrency.code).toBe(2);
    expect(badConcurrency.stderr).toContain('--concurrency');
    expect(s3.proxy.requests.GetObject ?? 0).toBe(0);
  });
});

describe('CLI: replay s3://', () => {
  it('refuses --account without --from (replay has no row filter) before opening the store', async () => {
    // Act
    const r = await runCli([
      'replay',
      `s3://${BUCKET}`,
      '--account',
      '111122223333',
      '--data-dir',
      join(disk, 'never'),
    ]);

    // Assess
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--account and --region choose the folders of a dated s3:// selection: give --from');
    expect(existsSync(join(disk, 'never'))).toBe(false);
  });

  it('records the drift a replay of the same files on disk records', async () => {
    // Prepare
    const dataS3 = mkdtempSync(join(tmpdir(), 'tpguard-s3-replay-'));
    const dataDisk = mkdtempSync(join(tmpdir(), 'tpguard-disk-replay-'));
    try {
      // Act
      const args = ['--quiet', '--now', '2026-11-04T00:00:00Z', ...FIXTURE_ARGS];
      const fromS3 = await runCli(['replay', `s3://${BUCKET}/AWSLogs/`, '--data-dir', dataS3, ...args]);
      const fromDisk = await runCli(['replay', join(disk, 'AWSLogs'), '--data-dir', dataDisk, ...args]);
      const listS3 = await runCli(['drift', 'list', '--data-dir', dataS3, '--format', 'json', ...FIXTURE_ARGS]);
      const listDisk = await runCli(['drift', 'list', '--data-dir', dataDisk, '--format', 'json', ...FIXTURE_ARGS]);

      // Assess
      expect(fromS3.stderr).toBe(
        `s3://${BUCKET}/${DIGEST}: skipped: a CloudTrail digest file (no events)\n${fromDisk.stderr}`,
      );
      expect(fromS3.stdout).toBe(fromDisk.stdout);
      expect(fromS3.stdout).toMatch(/open drift: [1-9]/);
      expect(listS3.stdout).toBe(listDisk.stdout);
    } finally {
      rmSync(dataS3, { recursive: true, force: true });
      rmSync(dataDisk, { recursive: true, force: true });
    }
  });
});
