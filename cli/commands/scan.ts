import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import type { Rejection } from '../../shared/sources/index.js';
import { createEvaluator, snapshotOf } from '../../shared/policy/index.js';
import { SEVERITY_RANK } from '../../shared/kernel/index.js';
import { Exit, loadContext } from '../context.js';
import { CliError } from '../errors.js';
import { SCAN_FORMATS, type ScanFormat, type ScanSettings, type ScanWorkerData } from '../scan-batch.js';
import { type ScanSink, scanInProcess, scanParallel } from '../scan-parallel.js';
import type { ScanRow } from '../scan-rows.js';
import { renderTable } from '../table.js';
import { rejectionPrinter, safe, safeJson } from '../terminal.js';

export type { ScanRow } from '../scan-rows.js';

interface ScanOptions {
  config?: string;
  policy?: string;
  format: string;
  all?: boolean;
  jobs?: string;
}

/** Where progress goes: stderr, which shows it only when it is a terminal. */
export interface ProgressStream {
  isTTY?: boolean;
  write(text: string): unknown;
}

/**
 * Progress for long scans on stderr, only when it is a terminal, at most twice a second,
 * on one line that the next update overwrites and `done` clears.
 * @example const p = progressReporter(process.stderr); p.tick(1000, 3); p.done();
 */
export function progressReporter(
  stream: ProgressStream = process.stderr,
  now: () => number = Date.now,
): { tick: (events: number, files: number) => void; done: () => void } {
  if (!stream.isTTY) return { tick: () => undefined, done: () => undefined };
  let last: number | undefined;
  let shown = false;
  return {
    tick: (events, files) => {
      const t = now();
      if (last === undefined) last = t; // nothing for a scan that ends within the first half second
      if (t - last < 500) return;
      last = t;
      shown = true;
      stream.write(`\rscanning: ${files} files, ${events} events`);
    },
    done: () => {
      if (shown) stream.write('\r\x1b[K');
    },
  };
}

/** `--jobs` when not given: every core (`os.availableParallelism()`). */
export const DEFAULT_JOBS = availableParallelism();

function jobsOf(value: string | undefined): number {
  if (value === undefined) return DEFAULT_JOBS;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 256) throw new CliError('--jobs must be a whole number from 1 to 256');
  return n;
}

/** Scans inputs; returns the exit status. Writes results to stdout, rejections to stderr. */
export async function runScan(
  paths: string[],
  opts: ScanOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (!SCAN_FORMATS.includes(opts.format as ScanFormat))
    throw new CliError(`--format must be one of ${SCAN_FORMATS.join(', ')}`);
  const settings: ScanSettings = { format: opts.format as ScanFormat, all: opts.all === true };
  const jobs = jobsOf(opts.jobs);
  const { config, pack } = await loadContext(opts);
  const ev = createEvaluator(pack, config);
  const rows: ScanRow[] = [];
  const rejected: Rejection[] = [];
  let rejectedCount = 0;
  let events = 0;
  let files = 0;
  let violations = 0;
  const progress = progressReporter();
  const rejections = rejectionPrinter((line) => void process.stderr.write(`${line}\n`));
  const sink: ScanSink = {
    file: () => void files++,
    skipped: (file, reason) => process.stderr.write(`${safe(file)}: skipped: ${safe(reason)}\n`),
    batch: (b) => {
      events += b.events;
      violations += b.violations;
      if (b.out.length > 0) out.write(b.out);
      for (const row of b.rows) rows.push(row);
      if (b.rejected.length > 0) {
        rejectedCount += b.rejected.length;
        // Only the json format lists them in its output; the others need the count only.
        if (settings.format === 'json') rejected.push(...b.rejected);
        progress.done();
        for (const r of b.rejected) rejections.print(r);
      }
      progress.tick(events, files);
    },
  };
  if (jobs === 1) await scanInProcess(paths, ev, settings, sink);
  else {
    const data: ScanWorkerData = { snapshot: snapshotOf(pack), dir: pack.dir, root: pack.root, config, settings };
    await scanParallel(paths, jobs, data, ev, sink);
  }
  progress.done();
  rejections.flush();
  const summary = {
    packVersion: pack.version,
    rules: pack.rules.length,
    events,
    rejected: rejectedCount,
    violations,
    notConfigured: ev.notes,
  };
  if (settings.format === 'json') out.write(`${safeJson({ summary, results: rows, rejected }, 2)}\n`);
  if (settings.format === 'table') out.write(renderScanTable(rows, summary));
  // One line per approved list the pack needs and the configuration leaves empty (not per resource).
  if (settings.format === 'ndjson') for (const n of ev.notes) process.stderr.write(`${n.message}\n`);
  if (rejectedCount > 0) return Exit.usage;
  return violations > 0 ? Exit.findings : Exit.ok;
}

function renderScanTable(
  rows: ScanRow[],
  s: {
    packVersion: string;
    rules: number;
    events: number;
    rejected: number;
    violations: number;
    notConfigured: { message: string }[];
  },
): string {
  const sorted = [...rows].sort(
    (a, b) =>
      SEVERITY_RANK[b.severity as keyof typeof SEVERITY_RANK] -
        SEVERITY_RANK[a.severity as keyof typeof SEVERITY_RANK] || a.ruleId.localeCompare(b.ruleId),
  );
  const parts: string[] = [];
  if (sorted.length > 0) {
    parts.push(
      renderTable(
        ['SEVERITY', 'RULE', 'VERDICT', 'RESOURCE', 'EVENT', 'TITLE'],
        sorted.map((r) => [
          r.severity,
          r.ruleId,
          r.verdict,
          `${r.resourceType}/${r.resourceId}`,
          r.eventName ?? r.source,
          r.title,
        ]),
      ),
    );
    const byRule = new Map<string, { severity: string; title: string; count: number; resources: Set<string> }>();
    for (const r of sorted.filter((x) => x.verdict === 'violation')) {
      const e = byRule.get(r.ruleId) ?? {
        severity: r.severity,
        title: r.title,
        count: 0,
        resources: new Set<string>(),
      };
      e.count++;
      e.resources.add(r.resourceId);
      byRule.set(r.ruleId, e);
    }
    if (byRule.size > 0) {
      parts.push('', 'Out of policy, rule by rule:');
      parts.push(
        renderTable(
          ['RULE', 'SEVERITY', 'EVENTS', 'RESOURCES', 'TITLE'],
          [...byRule].map(([id, e]) => [id, e.severity, String(e.count), [...e.resources].join(', '), e.title]),
        ),
      );
    }
    parts.push('');
  }
  parts.push(
    `${s.events} events evaluated against ${s.rules} rules (pack ${s.packVersion}): ${s.violations} violations, ${s.rejected} rejected inputs`,
  );
  for (const n of s.notConfigured) parts.push(n.message);
  return `${parts.join('\n')}\n`;
}

export function registerScan(program: Command): void {
  program
    .command('scan')
    .description('evaluate CloudTrail log files and EventBridge events against the policy pack (no database)')
    .argument('<paths...>', 'files, folders (recursive: .json, .json.gz, .ndjson, .jsonl) or - for stdin')
    .option('--config <file>', 'configuration file (default: ./tpguard.config.yaml when present)')
    .option('--policy <dir>', 'policy pack folder (default: ./policies)')
    .option('--format <format>', `output: ${SCAN_FORMATS.join(', ')}`, 'table')
    .option('--all', 'list passes and cannot-evaluate verdicts too')
    .option(
      '--jobs <n>',
      `worker threads reading and evaluating files (default: the number of cores, ${DEFAULT_JOBS} here); the output is the same whatever the number`,
    )
    .addHelpText(
      'after',
      '\nExit status: 0 no violation, 1 violations found, 2 usage error or rejected input.\n\nExamples:\n  $ tpguard scan events/ --format ndjson\n  $ tpguard scan AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/ \n  $ cat event.json | tpguard scan - --all',
    )
    .action(async (paths: string[], opts: ScanOptions) => {
      process.exitCode = await runScan(paths, opts);
    });
}
