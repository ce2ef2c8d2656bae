import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_PARAMS, generateArchive, type ArchiveManifest } from './generate-cloudtrail.js';
import { measureNode, median, ROOT, round, type Run } from './measure.js';
import { scanBreakdown, type Breakdown } from './scan-breakdown.js';

/** Goals of issue 8 for `tpguard scan` over a million CloudTrail records. */
export const SCAN_GOALS = { maxRatio: 1.5, maxRssMiB: 256 } as const;

export interface ScanResult {
  archive: Pick<ArchiveManifest, 'files' | 'records' | 'pipelineRecords' | 'jsonBytes' | 'gzipBytes'> & { dir: string };
  rounds: number;
  floor: { wallMs: number; cpuMs: number; maxRssMiB: number; recordsPerSecond: number };
  scan: { wallMs: number; cpuMs: number; maxRssMiB: number; recordsPerSecond: number; violations: number };
  /** scan / floor, medians of interleaved runs. */
  ratioWall: number;
  ratioCpu: number;
  goals: typeof SCAN_GOALS & { ratioMet: boolean; rssMet: boolean };
  /** Where the time goes: the scan's stages in this process over the first files (CPU ms). */
  breakdown: Breakdown;
  /** CPU of a scan over an empty folder: start-up (loader, CLI modules, pack and config). */
  startupCpuMs: number;
  commands: { floor: string; scan: string };
}

const summarize = (runs: Run[], records: number) => {
  const wallMs = median(runs.map((r) => r.wallMs));
  return {
    wallMs: round(wallMs, 0),
    cpuMs: round(median(runs.map((r) => r.cpuMs)), 0),
    maxRssMiB: round(Math.max(...runs.map((r) => r.maxRssMiB)), 1),
    recordsPerSecond: round(records / (wallMs / 1000), 0),
  };
};

function check(run: Run, what: string, expectCode: number[]): void {
  if (!expectCode.includes(run.code)) throw new Error(`${what} exited ${run.code}: ${run.stderr.slice(0, 500)}`);
  if (run.stderr.trim().length > 0)
    throw new Error(`${what} reported on stderr (a rejected record?): ${run.stderr.slice(0, 500)}`);
}

/**
 * Generates (or reuses) the archive, then runs the floor and the scan alternately
 * `rounds` times each, so that both see the same machine load and page cache.
 * @example await benchScan({ records: 1_000_000, rounds: 3 })
 */
export async function benchScan(opts: {
  records: number;
  rounds: number;
  log: (s: string) => void;
}): Promise<ScanResult> {
  const dir = join(ROOT, 'bench', 'out', `cloudtrail-${opts.records}`);
  const manifest = await generateArchive(dir, { ...DEFAULT_PARAMS, records: opts.records }, opts.log);
  const logs = manifest.root;
  const floorArgs = ['--import', 'tsx', 'bench/floor.ts', logs];
  const scanArgs = [
    'bin/tpguard.mjs',
    'scan',
    logs,
    '--format',
    'ndjson',
    '--config',
    'tpguard.config.yaml',
    '--policy',
    'policies',
  ];
  mkdirSync(join(ROOT, 'bench', 'out', 'empty'), { recursive: true });
  const floors: Run[] = [];
  const scans: Run[] = [];
  await measureNode(floorArgs); // warm the page cache and the tsx transform cache
  for (let i = 0; i < opts.rounds; i++) {
    const f = await measureNode(floorArgs);
    check(f, 'floor', [0]);
    if (!f.stdoutHead.includes(`"records":${manifest.records}`))
      throw new Error(`floor read ${f.stdoutHead.trim()}, expected ${manifest.records} records`);
    floors.push(f);
    const s = await measureNode(scanArgs);
    check(s, 'scan', [0, 1]);
    scans.push(s);
    opts.log(
      `round ${i + 1}/${opts.rounds}: floor ${round(f.wallMs / 1000, 1)} s (cpu ${round(f.cpuMs / 1000, 1)} s), scan ${round(s.wallMs / 1000, 1)} s (cpu ${round(s.cpuMs / 1000, 1)} s, ${round(s.maxRssMiB, 0)} MiB)`,
    );
  }
  const startup = await measureNode(
    ['bin/tpguard.mjs', 'scan', join(ROOT, 'bench', 'out', 'empty'), '--format', 'ndjson'],
    { cwd: ROOT },
  ).catch(() => undefined);
  const breakdown = await scanBreakdown(logs, Math.min(200, manifest.files));
  const floor = summarize(floors, manifest.records);
  const scan = { ...summarize(scans, manifest.records), violations: scans[0].stdoutLines };
  const ratioWall = round(scan.wallMs / floor.wallMs);
  return {
    archive: {
      dir: logs.replace(`${ROOT}/`, ''),
      files: manifest.files,
      records: manifest.records,
      pipelineRecords: manifest.pipelineRecords,
      jsonBytes: manifest.jsonBytes,
      gzipBytes: manifest.gzipBytes,
    },
    rounds: opts.rounds,
    floor,
    scan,
    ratioWall,
    ratioCpu: round(scan.cpuMs / floor.cpuMs),
    goals: {
      ...SCAN_GOALS,
      ratioMet: ratioWall <= SCAN_GOALS.maxRatio,
      rssMet: scan.maxRssMiB <= SCAN_GOALS.maxRssMiB,
    },
    breakdown,
    startupCpuMs: round(startup?.cpuMs ?? NaN, 0),
    commands: {
      floor: `node --import tsx ${floorArgs.slice(2).join(' ').replace(`${ROOT}/`, '')}`,
      scan: `npx tpguard ${scanArgs.slice(1).join(' ').replace(`${ROOT}/`, '')}`,
    },
  };
}
