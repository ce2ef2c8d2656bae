import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { DEFAULT_PARAMS, generateArchive, type ArchiveManifest } from './generate-cloudtrail.js';
import { measureNode, median, ROOT, round, type Run } from './measure.js';
import { scanBreakdown, type Breakdown } from './scan-breakdown.js';

/** Goals of issue 19, as ratios to the one-thread floor measured in the same run. */
export const SCAN_GOALS = {
  jobs1Plain: 1.5,
  jobs1Gzip: 1.15,
  allCoresPlain: 0.8,
  maxRssMiB: 256,
  startupMs: 150,
} as const;

export interface PeerRun {
  name: string;
  command: string;
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number | null;
  /** wall / the floor's wall */
  ratio: number;
  note?: string;
}

export interface ArchiveResult {
  compression: 'gzip' | 'none';
  dir: string;
  files: number;
  records: number;
  bytes: number;
  runs: PeerRun[];
  skipped: { name: string; note: string }[];
}

export interface ScanResult {
  rounds: number;
  cores: number;
  archives: ArchiveResult[];
  startup: { nodeMs: number; versionMs: number; emptyScanMs: number; runs: number };
  breakdown: Breakdown;
  goals: typeof SCAN_GOALS & Record<string, boolean | number>;
}

interface Runner {
  name: string;
  command: string;
  run: () => Promise<Run>;
  /** Expected records (or result lines), checked on every run. */
  check: (r: Run) => void;
}

const shown = (args: string[]) => args.join(' ').replaceAll(`${ROOT}/`, '');

/** `which`, without a shell. */
function which(cmd: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, cmd))) return join(dir, cmd);
  return undefined;
}

/** Runs a non-Node command under GNU time (when installed) for its peak RSS; counts stdout lines. */
function measureCommand(cmd: string, args: string[]): Promise<Run> {
  const time = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
  const started = performance.now();
  const child = time
    ? spawn(time, ['-f', 'TPGUARD_TIME %M %U %S', cmd, ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let lines = 0;
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
  });
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 65_536) stderr += b.toString('utf8');
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      const m = /TPGUARD_TIME (\d+) ([\d.]+) ([\d.]+)/.exec(stderr);
      done({
        code: code ?? -1,
        wallMs: performance.now() - started,
        cpuMs: m ? (Number(m[2]) + Number(m[3])) * 1000 : Number.NaN,
        maxRssMiB: m ? Number(m[1]) / 1024 : Number.NaN,
        stdoutLines: lines,
        stdoutHead: '',
        stderr: stderr.replace(/TPGUARD_TIME .*\n?/, ''),
      });
    });
  });
}

function filesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...filesUnder(full));
    else out.push(full);
  }
  return out;
}

function expectOk(r: Run, what: string, codes = [0]): void {
  if (!codes.includes(r.code)) throw new Error(`${what} exited ${r.code}: ${r.stderr.slice(0, 500)}`);
}

/** How many rules the shipped pack has (the snapshot the CLI build wrote). */
const packRules = (): number =>
  (JSON.parse(readFileSync(join(ROOT, 'dist', 'pack.snapshot.json'), 'utf8')) as { rules: unknown[] }).rules.length;

/** The (eventSource, eventName) pairs the pack listens to: what jq and DuckDB select. */
function watchedPairs(): [string, string][] {
  const snapshot = JSON.parse(readFileSync(join(ROOT, 'dist', 'pack.snapshot.json'), 'utf8')) as {
    rules: { rule: { on: { source: string; eventSource?: string; eventName?: string[] } } }[];
  };
  return snapshot.rules.flatMap(({ rule: { on } }) =>
    on.source === 'cloudtrail' ? (on.eventName ?? []).map((n): [string, string] => [on.eventSource!, n]) : [],
  );
}

async function runners(m: ArchiveManifest, work: string, log: (s: string) => void) {
  const dir = m.root;
  const gz = m.params.compression === 'gzip';
  const list: Runner[] = [];
  const skipped: { name: string; note: string }[] = [];
  const scan = (jobs?: number) => [
    join(ROOT, 'bin', 'tpguard.mjs'),
    'scan',
    dir,
    '--format',
    'ndjson',
    ...(jobs ? ['--jobs', String(jobs)] : []),
    '--config',
    join(ROOT, 'tpguard.config.yaml'),
    '--policy',
    join(ROOT, 'policies'),
  ];
  list.push({
    name: `floor: one thread reads${gz ? ', gunzips' : ''} and JSON.parses every file`,
    command: `node bench/floor.mjs ${shown([dir])}`,
    run: () => measureNode([join(ROOT, 'bench', 'floor.mjs'), dir]),
    check: (r) => {
      expectOk(r, 'floor');
      if (!r.stdoutHead.includes(`"records":${m.records}`)) throw new Error(`floor read ${r.stdoutHead}`);
    },
  });
  for (const jobs of [1, undefined]) {
    const args = scan(jobs);
    list.push({
      name: jobs
        ? `tpguard scan --jobs 1 (${packRules()} rules)`
        : `tpguard scan --jobs ${availableParallelism()} (this thread and ${availableParallelism() - 1} worker threads)`,
      command: `npx tpguard ${shown(args.slice(1))}`,
      run: () => measureNode(args),
      check: (r) => {
        expectOk(r, 'scan', [0, 1]);
        if (r.stderr.trim()) throw new Error(`scan reported on stderr: ${r.stderr.slice(0, 300)}`);
      },
    });
  }
  const pairsFile = join(work, 'pairs.json');
  writeFileSync(pairsFile, JSON.stringify(watchedPairs()));
  const keys = Object.fromEntries(watchedPairs().map(([s, n]) => [`${s}|${n}`, true]));
  const jq = which('jq');
  if (!jq) skipped.push({ name: 'jq', note: 'jq is not installed (apt-get install jq)' });
  else {
    const filter = '.Records[] | select($k[.eventSource + "|" + .eventName])';
    const files = filesUnder(dir).filter((f) => /\.json(\.gz)?$/.test(f));
    const listFile = join(work, gz ? 'files-gzip.txt' : 'files-plain.txt');
    writeFileSync(listFile, files.join('\n'));
    const keysArg = JSON.stringify(keys);
    const shellCmd = gz
      ? `xargs -a '${listFile}' gzip -dc | jq -c --argjson k '${keysArg}' '${filter}'`
      : `xargs -a '${listFile}' jq -c --argjson k '${keysArg}' '${filter}'`;
    list.push({
      name: `jq ${filter.replace('$k[...]', '')} ${gz ? '(gzip -dc | jq)' : ''}`.trim(),
      command: `${gz ? 'gzip -dc FILES | ' : ''}jq -c --argjson k '{"s3.amazonaws.com|PutBucketPolicy":true,...}' '${filter}' ${gz ? '' : 'FILES'}`,
      run: () => measureCommand('sh', ['-c', shellCmd]),
      check: (r) => {
        expectOk(r, 'jq');
        if (r.stdoutLines !== m.pipelineRecords)
          throw new Error(`jq selected ${r.stdoutLines}, expected ${m.pipelineRecords}`);
      },
    });
  }
  const duck = spawnSync(process.execPath, ['-e', "await import('@duckdb/node-api')"], { cwd: ROOT, encoding: 'utf8' });
  if (duck.status !== 0)
    skipped.push({ name: 'DuckDB', note: '@duckdb/node-api is not installed or does not load (npm ci installs it)' });
  else
    list.push({
      name: `DuckDB read_json + SQL filter on eventSource/eventName (${availableParallelism()} threads)`,
      command: `node bench/duckdb-scan.mjs ${shown([dir])} <pairs.json>`,
      run: () => measureNode([join(ROOT, 'bench', 'duckdb-scan.mjs'), dir, pairsFile]),
      check: (r) => {
        expectOk(r, 'duckdb');
        if (!r.stdoutHead.includes(`"records":${m.records},"matched":${m.pipelineRecords}`))
          throw new Error(`DuckDB read ${r.stdoutHead}`);
      },
    });
  for (const s of skipped) log(`skipped ${s.name}: ${s.note}`);
  return { list, skipped };
}

async function benchArchive(
  compression: 'gzip' | 'none',
  records: number,
  rounds: number,
  log: (s: string) => void,
): Promise<ArchiveResult> {
  const name = `cloudtrail-${records}-${compression === 'gzip' ? 'gzip' : 'plain'}`;
  const m = await generateArchive(join(ROOT, 'bench', 'out', name), { ...DEFAULT_PARAMS, records, compression }, log);
  const work = join(ROOT, 'bench', 'out', 'work');
  mkdirSync(work, { recursive: true });
  const { list, skipped } = await runners(m, work, log);
  const runs = list.map(() => [] as Run[]);
  for (const r of list) r.check(await r.run()); // warm the page cache; check each once
  for (let i = 0; i < rounds; i++) {
    for (const [k, r] of list.entries()) {
      const run = await r.run();
      r.check(run);
      runs[k]!.push(run);
    }
    log(
      `${name} round ${i + 1}/${rounds}: ${list.map((r, k) => `${r.name.split(' ')[0]} ${round(runs[k]!.at(-1)!.wallMs / 1000, 2)} s`).join(', ')}`,
    );
  }
  const floorWall = median(runs[0]!.map((r) => r.wallMs));
  return {
    compression,
    dir: m.root.replace(`${ROOT}/`, ''),
    files: m.files,
    records: m.records,
    bytes: compression === 'gzip' ? m.gzipBytes : m.jsonBytes,
    skipped,
    runs: list.map((r, k) => {
      const wallMs = median(runs[k]!.map((x) => x.wallMs));
      const rss = Math.max(...runs[k]!.map((x) => x.maxRssMiB));
      return {
        name: r.name,
        command: r.command,
        wallMs: round(wallMs, 0),
        cpuMs: round(median(runs[k]!.map((x) => x.cpuMs)), 0),
        maxRssMiB: Number.isFinite(rss) ? round(rss, 0) : null,
        ratio: round(wallMs / floorWall),
      };
    }),
  };
}

/** Wall time of a short command, median of `n`. */
async function wall(args: string[], n: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const r = await measureNode(args);
    expectOk(r, args.join(' '));
    times.push(r.wallMs);
  }
  return round(median(times), 0);
}

/**
 * The scan against its floor and its peers, on plain and gzip archives, `rounds` interleaved
 * rounds (medians), plus start-up and where the CPU goes.
 * @example await benchScan({ records: 500_000, rounds: 3, log })
 */
export async function benchScan(opts: {
  records: number;
  rounds: number;
  log: (s: string) => void;
}): Promise<ScanResult> {
  const build = spawnSync('npm', ['run', 'build:cli'], { cwd: ROOT, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build:cli failed: ${build.stderr}`);
  const archives: ArchiveResult[] = [];
  for (const c of ['none', 'gzip'] as const) archives.push(await benchArchive(c, opts.records, opts.rounds, opts.log));
  const empty = join(ROOT, 'bench', 'out', 'empty');
  mkdirSync(empty, { recursive: true });
  const bin = join(ROOT, 'bin', 'tpguard.mjs');
  const startup = {
    runs: 7,
    nodeMs: await wall(['-e', '0'], 7),
    versionMs: await wall([bin, '--version'], 7),
    emptyScanMs: await wall([bin, 'scan', empty, '--format', 'ndjson'], 7),
  };
  const plain = archives[0]!.runs;
  const gzip = archives[1]!.runs;
  const rss = Math.max(...archives.flatMap((a) => a.runs.slice(1, 3).map((r) => r.maxRssMiB ?? 0)));
  const breakdown = await scanBreakdown(join(ROOT, archives[0]!.dir), Math.min(100, archives[0]!.files));
  return {
    rounds: opts.rounds,
    cores: availableParallelism(),
    archives,
    startup,
    breakdown,
    goals: {
      ...SCAN_GOALS,
      jobs1PlainMet: plain[1]!.ratio <= SCAN_GOALS.jobs1Plain,
      jobs1GzipMet: gzip[1]!.ratio <= SCAN_GOALS.jobs1Gzip,
      allCoresPlainMet: plain[2]!.ratio <= SCAN_GOALS.allCoresPlain,
      rssMet: rss <= SCAN_GOALS.maxRssMiB,
      peakRssMiB: rss,
      startupMet: startup.versionMs <= SCAN_GOALS.startupMs && startup.emptyScanMs <= SCAN_GOALS.startupMs,
    },
  };
}
