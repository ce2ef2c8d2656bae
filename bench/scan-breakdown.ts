import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip } from 'node:zlib';
import { loadConfig } from '../shared/config/index.js';
import { intake } from '../shared/sources/index.js';
import { createEvaluator } from '../shared/policy/index.js';
import { finishFile, startFile } from '../cli/scan-batch.js';
import { loadPolicyPack } from '../shared/policy/index.js';
import { parseJson } from '../shared/kernel/index.js';
import { ROOT, round } from './measure.js';

const gunzipAsync = promisify(gunzip);

/**
 * Where the scan's time goes, in this process, over the same files: each step adds one
 * stage of the scan to the previous one, so the differences are the cost of each stage.
 * CPU time (user + system) of this process, least of three interleaved rounds.
 */
export interface Breakdown {
  files: number;
  records: number;
  stepsCpuMs: Record<string, number>;
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(full)));
    else if (/\.json(\.gz)?$/.test(e.name)) out.push(full);
  }
  return out;
}

async function cpu(fn: () => Promise<number>): Promise<{ ms: number; records: number }> {
  const start = process.cpuUsage();
  const records = await fn();
  const used = process.cpuUsage(start);
  return { ms: round((used.user + used.system) / 1000, 0), records };
}

/**
 * Runs the stages over the first `maxFiles` files of the archive under `dir`.
 * @example await scanBreakdown('bench/out/cloudtrail-1000000/AWSLogs', 200)
 */
export async function scanBreakdown(dir: string, maxFiles: number): Promise<Breakdown> {
  const files = (await listFiles(dir)).slice(0, maxFiles);
  const pack = await loadPolicyPack(join(ROOT, 'policies'));
  const ev = createEvaluator(pack, await loadConfig(join(ROOT, 'tpguard.config.yaml')));
  const text = async (f: string) => {
    const bytes = await readFile(f);
    return (bytes[0] === 0x1f && bytes[1] === 0x8b ? await gunzipAsync(bytes) : bytes).toString('utf8');
  };
  const steps: [string, () => Promise<number>][] = [
    [
      'read + gunzip + JSON.parse (the floor)',
      async () => sum(files, async (f) => (JSON.parse(await text(f)) as { Records: unknown[] }).Records.length),
    ],
    [
      '+ safe parse (forbidden-key scan)',
      async () => sum(files, async (f) => (parseJson(await text(f)) as { Records: unknown[] }).Records.length),
    ],
    ['+ normalize (intake)', async () => sum(files, async (f) => [...intake(parseJson(await text(f)), f)].length)],
    [
      'the scan, file by file (calls no rule listens to counted, not normalized) + evaluate + ndjson rows',
      async () => {
        let n = 0;
        for (const f of files)
          await finishFile(
            startFile(f, ev, { format: 'ndjson', all: false, filter: {}, failOn: 'informational' }),
            (b) => {
              n += b.events;
            },
          );
        return n;
      },
    ],
  ];
  const stepsCpuMs: Record<string, number> = {};
  let records = 0;
  for (const [, fn] of steps) await cpu(fn); // warm-up: JIT and page cache
  // Interleaved rounds, the least of each: the figure least disturbed by other work on the machine.
  for (let round = 0; round < 3; round++) {
    for (const [name, fn] of steps) {
      const r = await cpu(fn);
      stepsCpuMs[name] = Math.min(stepsCpuMs[name] ?? Infinity, r.ms);
      records = Math.max(records, r.records);
    }
  }
  return { files: files.length, records, stepsCpuMs };
}

async function sum(files: string[], fn: (f: string) => Promise<number>): Promise<number> {
  let n = 0;
  for (const f of files) n += await fn(f);
  return n;
}
