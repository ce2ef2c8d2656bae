import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PARAMS, generateArchive } from '../../bench/generate-cloudtrail.js';
import { REPO_ROOT } from '../helpers/fixtures.js';
import { spawnCli } from '../helpers/cli.js';

/**
 * `tpguard scan --jobs N` against `--jobs 1`, through the built CLI as users run it: the same
 * stdout and stderr byte for byte (results, rejections, skip notices, in input order) and the
 * same exit status, on the sample events and on archives made here, good and broken.
 */
let dir: string;
let archive: string;
let mixed: string;

beforeAll(async () => {
  // Prepare: a generated CloudTrail archive (plain and gzip files), and a folder of every kind of
  // input, broken ones included, whose results and rejections interleave across files.
  dir = await mkdtemp(join(tmpdir(), 'tpguard-parallel-'));
  archive = join(dir, 'archive');
  const plain = await generateArchive(join(archive, 'plain'), {
    ...DEFAULT_PARAMS,
    records: 6000,
    perFile: 500,
    pipelineShare: 0.2,
    compression: 'none',
  });
  await generateArchive(join(archive, 'gzip'), { ...DEFAULT_PARAMS, records: 3000, perFile: 500, seed: 7 });
  expect(plain.files).toBe(12);
  mixed = join(dir, 'mixed');
  await cp(join(REPO_ROOT, 'events'), join(mixed, 'events'), { recursive: true });
  const record = JSON.parse(
    await readFile(join(REPO_ROOT, 'events/cloudtrail/cloudtrail-stop-logging-violation.json'), 'utf8'),
  );
  const detail = (record as { detail: unknown }).detail;
  await mkdir(join(mixed, 'broken'), { recursive: true });
  await writeFile(
    join(mixed, 'broken', 'a-bad-record.json'),
    `{"Records":[${JSON.stringify(detail)},{"eventSource":1},[],{]}`,
  );
  await writeFile(
    join(mixed, 'broken', 'b-truncated.json.gz'),
    gzipSync(JSON.stringify({ Records: [detail] })).subarray(0, 40),
  );
  await writeFile(join(mixed, 'broken', 'c-notes.txt'), 'not an event file\n');
  await writeFile(
    join(mixed, 'broken', 'd-lines.ndjson'),
    `${Array.from({ length: 3000 }, (_, i) => (i % 997 === 5 ? '{oops' : JSON.stringify(record))).join('\n')}\n`,
  );
  await writeFile(join(mixed, 'broken', 'e-twice.json'), `{"Records":[${JSON.stringify(detail)}],"Records":[]}`);
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function both(args: string[], jobs: number[] = [2, 3]) {
  const one = await spawnCli(['scan', ...args, '--jobs', '1']);
  const many = await Promise.all(jobs.map((j) => spawnCli(['scan', ...args, '--jobs', String(j)])));
  return { one, many };
}

describe('Command: scan --jobs', () => {
  it('prints the same results in the same order as --jobs 1 on a generated archive, plain and gzip', async () => {
    // Act
    const { one, many } = await both([
      join(archive, 'plain', 'AWSLogs'),
      join(archive, 'gzip', 'AWSLogs'),
      '--format',
      'ndjson',
      '--all',
    ]);

    // Assess
    expect(one.code).toBe(1);
    expect(one.stdout.split('\n').length).toBeGreaterThan(1000);
    for (const run of many) expect(run).toEqual(one);
    // Input order: files in name order, records in file order.
    const where = one.stdout
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { where: string }).where);
    const key = (w: string) => {
      const at = w.lastIndexOf(':');
      return [w.slice(0, at), Number(w.slice(at + 1))] as const;
    };
    for (let i = 1; i < where.length; i++) {
      const [fa, ra] = key(where[i - 1]!);
      const [fb, rb] = key(where[i]!);
      const inOrder = fa === fb ? ra <= rb : fa.includes('/plain/') === fb.includes('/plain/') ? fa < fb : true;
      expect(inOrder, `${where[i - 1]} before ${where[i]}`).toBe(true);
    }
  });

  it('rejects, skips and reports in the same order with the same exit status, in every format', async () => {
    for (const format of ['ndjson', 'json', 'table']) {
      // Act
      const { one, many } = await both([mixed, '--format', format]);

      // Assess
      expect(one.code).toBe(2);
      expect(one.stderr).toContain('c-notes.txt: skipped: not an event file');
      expect(one.stderr).toMatch(/a-bad-record\.json:1: /);
      expect(one.stderr).toMatch(/d-lines\.ndjson:5: invalid JSON/);
      expect(one.stderr).toMatch(/e-twice\.json: invalid JSON: duplicate "Records" key/);
      for (const run of many) expect(run).toEqual(one);
    }
  });

  it('filters, counts and fails the same as --jobs 1 in the csv, sarif and junit formats', async () => {
    // Prepare
    const events = join(REPO_ROOT, 'events');
    const filters = ['--severity', 'high', '--fail-on', 'critical', '--rule', 'TPS-S3-*,TPS-SM-*'];

    for (const format of ['csv', 'sarif', 'junit', 'json']) {
      // Act
      const { one, many } = await both([events, '--format', format, ...filters], [2]);

      // Assess
      expect([0, 1, 2]).toContain(one.code);
      expect(one.stdout.length).toBeGreaterThan(100);
      for (const run of many) expect(run).toEqual(one);
    }
    const json = await spawnCli(['scan', events, '--format', 'json', ...filters, '--jobs', '2']);
    const summary = JSON.parse(json.stdout).summary as { violations: number; filteredOut: number };
    expect(summary.violations).toBeGreaterThan(0);
    expect(summary.filteredOut).toBeGreaterThan(0);
  });

  it('reads stdin in its place among the other inputs', async () => {
    // Prepare
    const stdin = await readFile(join(REPO_ROOT, 'events/shapes/eventbridge-events.ndjson'));

    // Act
    const args = ['scan', join(mixed, 'events', 'cloudtrail'), '-', join(mixed, 'broken'), '--format', 'ndjson'];
    const one = await spawnCli([...args, '--jobs', '1'], { stdin });
    const many = await spawnCli([...args, '--jobs', '2'], { stdin });

    // Assess
    expect(one.stdout).toContain('"where":"<stdin>:');
    expect(many).toEqual(one);
  });

  it('matches --jobs 1 on the sample events, and refuses a --jobs that is not a count', async () => {
    // Act
    const { one, many } = await both([join(REPO_ROOT, 'events'), '--format', 'json', '--all'], [4]);
    const bad = await spawnCli(['scan', join(REPO_ROOT, 'events'), '--jobs', '0']);

    // Assess
    expect(JSON.parse(one.stdout).summary.events).toBeGreaterThan(50);
    expect(many[0]).toEqual(one);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toBe('tpguard: --jobs must be a whole number from 1 to 256\n');
  });
});
