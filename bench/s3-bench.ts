import { type ChildProcess, spawn } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { loadS3Archive } from '../shared/adapters/aws/index.js';
import { type BatchSummary, scanBatch } from '../shared/backfill/index.js';
import { loadConfig } from '../shared/config/index.js';
import { createEvaluator, loadPolicyPack } from '../shared/policy/index.js';
import { DEFAULT_PARAMS, generateArchive } from './generate-cloudtrail.js';
import { PRICES } from './cost-model.js';
import { measureNode, median, ROOT, round, type Run } from './measure.js';

/**
 * The `s3` section of `npm run bench` (issue 18): `tpguard scan s3://` against a local S3 API
 * (fauxqs in its own process on 127.0.0.1) versus `tpguard scan` of the same files on disk, runs
 * interleaved in the same rounds; and the backfill worker's records/s per batch of 50 objects
 * read through the same S3 adapter.
 */

const BUCKET = 'bench-archive';
/** Objects per batch, as the state machine's ItemBatcher (scripts/build-backfill.ts). */
const BATCH = 50;

export interface S3Result {
  archive: { files: number; records: number; gzipBytes: number };
  rounds: number;
  disk: { wallMs: number; cpuMs: number; maxRssMiB: number; recordsPerSecond: number; violations: number };
  s3: { wallMs: number; cpuMs: number; maxRssMiB: number; recordsPerSecond: number; violations: number };
  /** s3 / disk, medians of interleaved runs: how much slower reading through S3 is. */
  ratioWall: number;
  ratioCpu: number;
  worker: { batchObjects: number; batches: number; recordsPerBatch: number; recordsPerSecondMedian: number };
  commands: { disk: string; s3: string };
}

async function startServer(): Promise<{ child: ChildProcess; endpoint: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'bench', 's3-server.ts')], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`fauxqs exited ${code}`)));
  });
  return { child, endpoint: `http://127.0.0.1:${(JSON.parse(line) as { port: number }).port}` };
}

async function* files(dir: string): AsyncGenerator<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) yield* files(full);
    else if (e.name.endsWith('.json.gz')) yield full;
  }
}

const ENV = (endpoint: string) => ({
  AWS_ENDPOINT_URL_S3: endpoint,
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'AKIABENCHFAUXQS00000',
  AWS_SECRET_ACCESS_KEY: 'bench-not-a-secret',
  AWS_CONFIG_FILE: join(ROOT, 'bench', 'no-aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(ROOT, 'bench', 'no-aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
});

const summarize = (runs: Run[], records: number) => {
  const wallMs = median(runs.map((r) => r.wallMs));
  return {
    wallMs: round(wallMs, 0),
    cpuMs: round(median(runs.map((r) => r.cpuMs)), 0),
    maxRssMiB: round(Math.max(...runs.map((r) => r.maxRssMiB)), 1),
    recordsPerSecond: round(records / (wallMs / 1000), 0),
    violations: runs[0]!.stdoutLines,
  };
};

function check(run: Run, what: string): void {
  if (![0, 1].includes(run.code)) throw new Error(`${what} exited ${run.code}: ${run.stderr.slice(0, 500)}`);
  if (run.stderr.trim().length > 0) throw new Error(`${what} reported on stderr: ${run.stderr.slice(0, 500)}`);
}

/**
 * Generates (or reuses) the archive, uploads it to a fresh local S3 server, then scans it from
 * disk and from S3 alternately `rounds` times each; then runs the worker over its batches.
 * @example await benchS3({ records: 100_000, rounds: 3, log })
 */
export async function benchS3(opts: { records: number; rounds: number; log: (s: string) => void }): Promise<S3Result> {
  const dir = join(ROOT, 'bench', 'out', `cloudtrail-${opts.records}`);
  const manifest = await generateArchive(dir, { ...DEFAULT_PARAMS, records: opts.records }, opts.log);
  const server = await startServer();
  const env = ENV(server.endpoint);
  try {
    const admin = new S3Client({
      endpoint: server.endpoint,
      forcePathStyle: true,
      region: env.AWS_REGION,
      credentials: { accessKeyId: env.AWS_ACCESS_KEY_ID, secretAccessKey: env.AWS_SECRET_ACCESS_KEY },
    });
    await admin.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const keys: string[] = [];
    let pending: Promise<unknown>[] = [];
    for await (const file of files(manifest.root)) {
      const Key = relative(dir, file);
      keys.push(Key);
      pending.push(readFile(file).then((Body) => admin.send(new PutObjectCommand({ Bucket: BUCKET, Key, Body }))));
      if (pending.length >= 16) {
        await Promise.all(pending);
        pending = [];
      }
    }
    await Promise.all(pending);
    admin.destroy();
    opts.log(`s3: ${keys.length} objects uploaded to fauxqs at ${server.endpoint}`);

    const common = ['--format', 'ndjson', '--config', 'tpguard.config.yaml', '--policy', 'policies'];
    const diskArgs = ['bin/tpguard.mjs', 'scan', manifest.root, ...common];
    const s3Args = ['bin/tpguard.mjs', 'scan', `s3://${BUCKET}/AWSLogs/`, ...common];
    const disks: Run[] = [];
    const s3s: Run[] = [];
    await measureNode(diskArgs); // warm the page cache
    for (let i = 0; i < opts.rounds; i++) {
      const d = await measureNode(diskArgs);
      check(d, 'scan (disk)');
      disks.push(d);
      const s = await measureNode(s3Args, { env });
      check(s, 'scan s3://');
      s3s.push(s);
      opts.log(
        `s3 round ${i + 1}/${opts.rounds}: disk ${round(d.wallMs / 1000, 1)} s (cpu ${round(d.cpuMs / 1000, 1)} s), s3 ${round(s.wallMs / 1000, 1)} s (cpu ${round(s.cpuMs / 1000, 1)} s, ${round(s.maxRssMiB, 0)} MiB)`,
      );
    }
    const disk = summarize(disks, manifest.records);
    const s3 = summarize(s3s, manifest.records);
    if (s3.violations !== disk.violations)
      throw new Error(`scan s3:// found ${s3.violations} violations, the disk scan ${disk.violations}`);
    const worker = await benchWorker(keys, env, opts.log);
    return {
      archive: { files: manifest.files, records: manifest.records, gzipBytes: manifest.gzipBytes },
      rounds: opts.rounds,
      disk,
      s3,
      ratioWall: round(s3.wallMs / disk.wallMs),
      ratioCpu: round(s3.cpuMs / disk.cpuMs),
      worker,
      commands: {
        disk: `npx tpguard ${diskArgs.slice(1).join(' ').replace(`${ROOT}/`, '')}`,
        s3: `AWS_ENDPOINT_URL_S3=<fauxqs> npx tpguard ${s3Args.slice(1).join(' ')}`,
      },
    };
  } finally {
    server.child.kill('SIGTERM');
  }
}

/** The worker's batch scan over every batch of 50 objects, in this process, through the S3 adapter. */
async function benchWorker(keys: readonly string[], env: Record<string, string>, log: (s: string) => void) {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]] as const));
  Object.assign(process.env, env);
  try {
    const { S3Archive } = await loadS3Archive();
    const archive = new S3Archive({ forcePathStyle: true });
    const evaluator = createEvaluator(
      await loadPolicyPack(join(ROOT, 'policies')),
      await loadConfig(join(ROOT, 'tpguard.config.yaml')),
    );
    const perSecond: number[] = [];
    let records = 0;
    for (let i = 0; i < keys.length; i += BATCH) {
      const lines = await scanBatch(
        {
          Items: keys.slice(i, i + BATCH).map((key) => ({ key })),
          BatchInput: {
            bucket: BUCKET,
            kind: 'cloudtrail',
            runId: 'bench',
            record: false,
            resultsBucket: BUCKET,
            resultsPrefix: 'backfill/bench/',
          },
        },
        { objects: archive, results: archive, evaluator, now: () => performance.now() },
      );
      const summary = (lines.at(-1) as { batch: BatchSummary }).batch;
      records += summary.records;
      perSecond.push(summary.records / (summary.ms / 1000));
    }
    log(`s3: worker scanned ${perSecond.length} batches of ${BATCH} objects`);
    return {
      batchObjects: BATCH,
      batches: perSecond.length,
      recordsPerBatch: round(records / perSecond.length, 0),
      recordsPerSecondMedian: round(median(perSecond), 0),
    };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

/** Prices of the backfill's own services (eu-west-1 list prices, no free tier; check https://aws.amazon.com/pricing/). */
export const BACKFILL_PRICES = {
  ...PRICES,
  /** Step Functions Standard workflows, per 1,000 state transitions (Distributed Map child executions included). */
  stepFunctionsPerThousandTransitions: 0.025,
  s3GetPerThousand: 0.0004,
  s3ListPerThousand: 0.005,
} as const;

/** What the backfill cost model assumes beyond the measured worker throughput. */
export const BACKFILL_ASSUMPTIONS = {
  /** CloudTrail records per log object (an org trail writes one object per account, region and ~5 minutes). */
  recordsPerObject: 1000,
  /** Objects per worker call (ItemBatcher). */
  objectsPerBatch: BATCH,
  /** State transitions per batch: the child execution's start, its Lambda task, its end. */
  transitionsPerBatch: 3,
  /** The worker's memory: one full vCPU, what the measured records/s assume. */
  workerMemoryMb: 1769,
} as const;

/**
 * The cost of backfilling one million CloudTrail records (scan only, no `--record`), from the
 * measured worker throughput: Step Functions transitions, Lambda GB-s and requests, S3 GETs and LISTs.
 * @example backfillCostPerMillion(25_000) // { lambda: ..., total: ... }
 */
export function backfillCostPerMillion(workerRecordsPerSecond: number) {
  const p = BACKFILL_PRICES;
  const a = BACKFILL_ASSUMPTIONS;
  const objects = 1_000_000 / a.recordsPerObject;
  const batches = objects / a.objectsPerBatch;
  const seconds = 1_000_000 / workerRecordsPerSecond;
  const stepFunctions = ((batches * a.transitionsPerBatch) / 1000) * p.stepFunctionsPerThousandTransitions;
  const lambda =
    seconds * (a.workerMemoryMb / 1024) * p.lambdaArmPerGbSecond + (batches / 1e6) * p.lambdaPerMillionRequests;
  const s3 = (objects / 1000) * p.s3GetPerThousand + (objects / 1000 / 1000) * p.s3ListPerThousand;
  return {
    objects,
    batches,
    workerSeconds: round(seconds, 1),
    stepFunctions,
    lambda,
    s3,
    total: stepFunctions + lambda + s3,
  };
}
