import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { NOISE, NOISE_WEIGHTS, PIPELINE, PIPELINE_WEIGHTS, type RecordContext } from './cloudtrail-records.js';
import { SeededRandom } from './random.js';

const gzipAsync = promisify(gzip);

/** What the archive is made of; the cache is reused only when all of it matches. */
export interface ArchiveParams {
  records: number;
  perFile: number;
  /** Share of records that are training-pipeline calls the pack listens to. */
  pipelineShare: number;
  seed: number;
  account: string;
  regions: string[];
  start: string;
  /** `gzip`: `.json.gz` files as CloudTrail writes them; `none`: the same files as plain `.json`. */
  compression: 'gzip' | 'none';
  /** Bumped whenever the record templates change. */
  generatorVersion: number;
}

export const DEFAULT_PARAMS: ArchiveParams = {
  records: 1_000_000,
  perFile: 1_000,
  pipelineShare: 0.02,
  seed: 20_261_102,
  account: '111122223333',
  regions: ['eu-west-1', 'us-east-1'],
  start: '2026-11-01T00:00:00Z',
  compression: 'gzip',
  generatorVersion: 1,
};

export interface ArchiveManifest {
  params: ArchiveParams;
  root: string;
  files: number;
  records: number;
  pipelineRecords: number;
  jsonBytes: number;
  gzipBytes: number;
  byEventName: Record<string, number>;
}

const MANIFEST = 'manifest.json';
const FILE_MINUTES = 5;

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** CloudTrail's own key: AWSLogs/<acct>/CloudTrail/<region>/YYYY/MM/DD/<acct>_CloudTrail_<region>_<YYYYMMDDTHHmmZ>_<rand>.json.gz */
function logKey(p: ArchiveParams, region: string, at: Date, rnd: SeededRandom): string {
  const [y, m, d] = [at.getUTCFullYear(), pad(at.getUTCMonth() + 1), pad(at.getUTCDate())];
  const stamp = `${y}${m}${d}T${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}Z`;
  return join(
    'AWSLogs',
    p.account,
    'CloudTrail',
    region,
    String(y),
    m,
    d,
    `${p.account}_CloudTrail_${region}_${stamp}_${rnd.alnum(16, 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789')}.json${p.compression === 'gzip' ? '.gz' : ''}`,
  );
}

/** The records of one log file: time-ordered within its five minutes, pipeline calls at random places. */
function fileRecords(
  p: ArchiveParams,
  rnd: SeededRandom,
  region: string,
  from: Date,
  count: Record<string, number>,
): unknown[] {
  const pipelineCount = Math.round(p.perFile * p.pipelineShare);
  const pipelineAt = new Set<number>();
  while (pipelineAt.size < pipelineCount) pipelineAt.add(rnd.int(p.perFile));
  const records: unknown[] = [];
  for (let i = 0; i < p.perFile; i++) {
    const time = new Date(from.getTime() + Math.floor((i / p.perFile) * FILE_MINUTES * 60_000))
      .toISOString()
      .replace(/\.\d{3}Z$/, 'Z');
    const c: RecordContext = { rnd, time, account: p.account, region };
    const pipeline = pipelineAt.has(i);
    const name = pipeline ? rnd.weighted(PIPELINE_WEIGHTS) : rnd.weighted(NOISE_WEIGHTS);
    count[name] = (count[name] ?? 0) + 1;
    records.push(pipeline ? PIPELINE[name](c, rnd.chance(0.5)) : NOISE[name](c));
  }
  return records;
}

/** The archive under `dir` when it was made with the same parameters. */
export function cachedArchive(dir: string, p: ArchiveParams): ArchiveManifest | undefined {
  const file = join(dir, MANIFEST);
  if (!existsSync(file)) return undefined;
  const manifest = JSON.parse(readFileSync(file, 'utf8')) as ArchiveManifest;
  return JSON.stringify(manifest.params) === JSON.stringify(p) ? manifest : undefined;
}

/**
 * Writes (or reuses) a seeded CloudTrail archive under `dir`. Four files are compressed
 * at a time on the libuv thread pool.
 * @example const m = await generateArchive('bench/out/cloudtrail', DEFAULT_PARAMS)
 */
export async function generateArchive(
  dir: string,
  p: ArchiveParams = DEFAULT_PARAMS,
  log: (s: string) => void = () => undefined,
): Promise<ArchiveManifest> {
  const cached = cachedArchive(dir, p);
  if (cached) return cached;
  await rm(dir, { recursive: true, force: true });
  const rnd = new SeededRandom(p.seed);
  const manifest: ArchiveManifest = {
    params: p,
    root: join(dir, 'AWSLogs'),
    files: 0,
    records: 0,
    pipelineRecords: 0,
    jsonBytes: 0,
    gzipBytes: 0,
    byEventName: {},
  };
  const fileCount = Math.ceil(p.records / p.perFile);
  const pending: Promise<void>[] = [];
  for (let f = 0; f < fileCount; f++) {
    const region = p.regions[f % p.regions.length];
    const from = new Date(Date.parse(p.start) + Math.floor(f / p.regions.length) * FILE_MINUTES * 60_000);
    const key = join(dir, logKey(p, region, from, rnd));
    const text = JSON.stringify({ Records: fileRecords(p, rnd, region, from, manifest.byEventName) });
    manifest.jsonBytes += Buffer.byteLength(text);
    pending.push(
      (async () => {
        // The gzip size is reported for both forms, so that their tables compare.
        const gz = await gzipAsync(text);
        await mkdir(join(key, '..'), { recursive: true });
        await writeFile(key, p.compression === 'gzip' ? gz : text);
        manifest.gzipBytes += gz.length;
      })(),
    );
    if (pending.length >= 4) await Promise.all(pending.splice(0));
    if (f % 100 === 99) log(`generated ${f + 1}/${fileCount} files`);
  }
  await Promise.all(pending);
  manifest.files = fileCount;
  manifest.records = fileCount * p.perFile;
  manifest.pipelineRecords = Object.entries(manifest.byEventName)
    .filter(([n]) => n in PIPELINE)
    .reduce((s, [, v]) => s + v, 0);
  await writeFile(join(dir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
