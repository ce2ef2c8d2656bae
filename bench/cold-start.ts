import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { readZip } from '../test/deploy/support/zip.js';
import { median, ROOT, round } from './measure.js';

/** Goals of issue 8 for each deployed function. */
export const COLD_GOALS = { maxZipMiB: 1, maxBundleMiB: 1, maxInitMs: 150 } as const;

export interface ColdFunction {
  name: string;
  zipKiB: number;
  bundleKiB: number;
  /** Module init (import of index.mjs, top-level await included) minus the empty-module baseline, median. */
  initMs: number;
  /** The same with NODE_OPTIONS=--enable-source-maps, as serverless.yml deploys it. */
  initWithSourceMapsMs: number;
  rssMiB: number;
  met: { zip: boolean; bundle: boolean; init: boolean };
}

export interface ColdResult {
  runs: number;
  baselineMs: number;
  functions: ColdFunction[];
  goals: typeof COLD_GOALS;
  command: string;
}

/** The deployed environment, with an endpoint that fails fast should init touch the network. */
const ENV = {
  TPGUARD_TABLE: 'tpguard-bench',
  TPGUARD_BUS_NAME: 'tpguard-bench',
  TPGUARD_TOPIC_ARN: 'arn:aws:sns:eu-west-1:111122223333:tpguard-bench',
  TPGUARD_SECURITYHUB: 'false',
  TPGUARD_CONFIG_FILE: 'tpguard.config.yaml',
  TPGUARD_POLICY_DIR: 'policies',
  TPGUARD_STAGE: 'bench',
  POWERTOOLS_SERVICE_NAME: 'tpguard',
  POWERTOOLS_METRICS_NAMESPACE: 'tpguard',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_ENDPOINT_URL: 'http://127.0.0.1:9',
};

function probe(file: string, cwd: string, sourceMaps: boolean): { ms: number; rssMiB: number } {
  const out = spawnSync(process.execPath, [join(ROOT, 'bench', 'cold-probe.mjs'), file], {
    cwd,
    encoding: 'utf8',
    env: {
      PATH: process.env.PATH,
      ...ENV,
      LAMBDA_TASK_ROOT: cwd,
      NODE_OPTIONS: sourceMaps ? '--enable-source-maps' : '',
    },
  });
  if (out.status !== 0)
    throw new Error(`init of ${file} failed: ${(out.stderr || out.stdout).trim().split('\n').slice(0, 3).join(' | ')}`);
  return JSON.parse(out.stdout.trim().split('\n').pop()!) as { ms: number; rssMiB: number };
}

/**
 * Builds the deployment packages (`npm run build`: .build/artifacts/<fn>.zip), unpacks each as
 * Lambda would, and imports its index.mjs in fresh processes, `runs` times, interleaved with
 * an empty module as the baseline.
 * @example await benchColdStart({ runs: 7 })
 */
export async function benchColdStart(opts: { runs: number; log: (s: string) => void }): Promise<ColdResult> {
  const build = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/build.ts'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0)
    throw new Error(`npm run build failed: ${(build.stderr || build.stdout).trim().split('\n').slice(-3).join(' | ')}`);
  const artifacts = join(ROOT, '.build', 'artifacts');
  const work = join(ROOT, 'bench', 'out', 'cold');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const empty = join(work, 'empty.mjs');
  writeFileSync(empty, 'export {};\n');
  const zips = readdirSync(artifacts)
    .filter((f) => f.endsWith('.zip'))
    .sort();
  const dirs = zips.map((zip) => {
    const dir = join(work, zip.replace(/\.zip$/, ''));
    for (const f of readZip(readFileSync(join(artifacts, zip)))) {
      mkdirSync(dirname(join(dir, f.name)), { recursive: true });
      writeFileSync(join(dir, f.name), f.data);
    }
    return { zip, dir };
  });
  const baseline: number[] = [];
  const times = new Map<string, { plain: number[]; maps: number[]; rss: number[] }>(
    dirs.map((d) => [d.zip, { plain: [], maps: [], rss: [] }]),
  );
  for (let i = 0; i < opts.runs; i++) {
    baseline.push(probe(empty, work, false).ms);
    for (const d of dirs) {
      const t = times.get(d.zip)!;
      const p = probe(join(d.dir, 'index.mjs'), d.dir, false);
      t.plain.push(p.ms);
      t.rss.push(p.rssMiB);
      t.maps.push(probe(join(d.dir, 'index.mjs'), d.dir, true).ms);
    }
    opts.log(`cold start: round ${i + 1}/${opts.runs}`);
  }
  const base = median(baseline);
  const functions = dirs.map((d): ColdFunction => {
    const t = times.get(d.zip)!;
    const zipKiB = statSync(join(artifacts, d.zip)).size / 1024;
    const bundleKiB = statSync(join(d.dir, 'index.mjs')).size / 1024;
    const initMs = median(t.plain) - base;
    return {
      name: d.zip.replace(/\.zip$/, ''),
      zipKiB: round(zipKiB, 1),
      bundleKiB: round(bundleKiB, 1),
      initMs: round(initMs, 1),
      initWithSourceMapsMs: round(median(t.maps) - base, 1),
      rssMiB: round(median(t.rss), 1),
      met: {
        zip: zipKiB <= COLD_GOALS.maxZipMiB * 1024,
        bundle: bundleKiB <= COLD_GOALS.maxBundleMiB * 1024,
        init: initMs <= COLD_GOALS.maxInitMs,
      },
    };
  });
  return {
    runs: opts.runs,
    baselineMs: round(base, 2),
    functions,
    goals: COLD_GOALS,
    command: 'npm run bench -- --only cold',
  };
}
