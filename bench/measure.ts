import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';

export const ROOT = resolve(import.meta.dirname, '..');
const PROBE = join(ROOT, 'bench', 'rss-probe.mjs');

/** One measured run of a child process. */
export interface Run {
  code: number;
  wallMs: number;
  /** user + system CPU time of the child itself (less sensitive to a busy machine than wall time). */
  cpuMs: number;
  maxRssMiB: number;
  stdoutLines: number;
  stdoutHead: string;
  stderr: string;
}

/**
 * Runs `node [--import probe] args...` with the Node that runs the benchmark, counting
 * stdout lines as they stream (the output is not kept), and reads the child's own
 * peak RSS and CPU time from the probe it preloads.
 * @example await measureNode(['bin/tpguard.mjs', 'scan', dir, '--format', 'ndjson'])
 */
export function measureNode(
  args: readonly string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'tpguard-bench-'));
  const probe = join(dir, 'probe.json');
  const started = performance.now();
  const child = spawn(process.execPath, ['--import', PROBE, ...args], {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env, TPGUARD_BENCH_PROBE: probe, TPGUARD_DEBUG: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let lines = 0;
  let head = '';
  let stderr = '';
  child.stdout.on('data', (b: Buffer) => {
    if (head.length < 4096) head += b.toString('utf8');
    for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lines++;
  });
  child.stderr.on('data', (b: Buffer) => {
    if (stderr.length < 65_536) stderr += b.toString('utf8');
  });
  return new Promise((done, fail) => {
    child.on('error', fail);
    child.on('close', (code) => {
      const wallMs = performance.now() - started;
      try {
        const p = JSON.parse(readFileSync(probe, 'utf8')) as { maxRssKiB: number; userMs: number; systemMs: number };
        done({
          code: code ?? -1,
          wallMs,
          cpuMs: p.userMs + p.systemMs,
          maxRssMiB: p.maxRssKiB / 1024,
          stdoutLines: lines,
          stdoutHead: head,
          stderr,
        });
      } catch (err) {
        fail(
          new Error(`no probe output from ${args.join(' ')} (exit ${code}): ${stderr.slice(0, 500)}`, { cause: err }),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

export const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
