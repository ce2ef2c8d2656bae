import { availableParallelism } from 'node:os';
import type { Command } from 'commander';
import { type ArchivePlan, isS3Url } from '../../shared/backfill/index.js';
import type { Rejection } from '../../shared/sources/index.js';
import { createEvaluator, snapshotOf } from '../../shared/policy/index.js';
import { colorEnabled } from '../color.js';
import { type ArchiveOptions, archiveOptions, openInputs } from '../archive-inputs.js';
import { Exit, loadContext } from '../context.js';
import { CliError } from '../errors.js';
import { csvHeader, renderJunit, renderSarif, renderScanTable, type ScanSummary } from '../formats/index.js';
import {
  BatchBuilder,
  drainItems,
  SCAN_FORMATS,
  type ScanFormat,
  type ScanSettings,
  type ScanWorkerData,
} from '../scan-batch.js';
import { failOnOf, type FilterOptions, filterOptions, filtering, scanFilterOf } from '../scan-filter.js';
import { type ScanSink, scanInProcess, scanParallel } from '../scan-parallel.js';
import type { ScanRow } from '../scan-rows.js';
import { tpguardVersion } from '../version.js';
import { rejectionPrinter, safe, safeJson } from '../terminal.js';

interface ScanOptions extends FilterOptions, ArchiveOptions {
  config?: string;
  policy?: string;
  format: string;
  all?: boolean;
  /** false with --no-color */
  color?: boolean;
  jobs?: string;
}

export type { ScanRow } from '../scan-rows.js';

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

/** Today as `YYYY-MM-DD` (UTC): the default end of an archive's date range. */
export const today = (): string => new Date().toISOString().slice(0, 10);

/** What a date selection of an archive lists: `3 prefixes (2 accounts, 1 organization, 4 regions)`. */
export function planLine(plan: ArchivePlan): string {
  const n = (count: number, one: string, many = `${one}s`) => `${count} ${count === 1 ? one : many}`;
  const org = plan.organizations.length > 0 ? `, ${n(plan.organizations.length, 'organization')}` : '';
  return `listing ${n(plan.prefixes.length, 'prefix', 'prefixes')} (${n(plan.accounts.length, 'account')}${org}, ${n(plan.regions.length, 'region')})`;
}

/** Scans inputs; returns the exit status. Writes results to stdout, rejections to stderr. */
export async function runScan(
  paths: string[],
  opts: ScanOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (!SCAN_FORMATS.includes(opts.format as ScanFormat))
    throw new CliError(`--format must be one of ${SCAN_FORMATS.join(', ')}`);
  const format = opts.format as ScanFormat;
  const failOn = failOnOf(opts.failOn);
  const jobs = jobsOf(opts.jobs);
  const { config, pack } = await loadContext(opts, { noticeWithoutConfig: true });
  const filter = scanFilterOf(opts, pack);
  // Plain data: the same settings travel to the worker threads, which filter and format rows themselves.
  const settings: ScanSettings = { format, all: opts.all === true, filter, failOn };
  const ev = createEvaluator(pack, config);
  const rows: ScanRow[] = [];
  const rejected: Rejection[] = [];
  // Only the whole-document formats list rejected inputs in their output; the others need the count.
  const listRejected = format === 'json' || format === 'sarif' || format === 'junit';
  let rejectedCount = 0;
  let events = 0;
  let files = 0;
  let violations = 0;
  let filteredOut = 0;
  let failing = false;
  // Verdicts unknown tags kept from being reached (scope.tags; CloudTrail carries no tags): said, never passed.
  const tagsUnknown = { verdicts: 0, resources: new Set<string>() };
  const progress = progressReporter();
  const rejections = rejectionPrinter((line) => void process.stderr.write(`${line}\n`));
  const sink: ScanSink = {
    file: () => void files++,
    skipped: (file, reason) => process.stderr.write(`${safe(file)}: skipped: ${safe(reason)}\n`),
    batch: (b) => {
      events += b.events;
      violations += b.violations;
      filteredOut += b.filteredOut;
      failing ||= b.failing;
      tagsUnknown.verdicts += b.tagsUnknown;
      for (const r of b.tagsUnknownResources) if (tagsUnknown.resources.size < 1000) tagsUnknown.resources.add(r);
      if (b.out.length > 0) out.write(b.out);
      for (const row of b.rows) rows.push(row);
      if (b.rejected.length > 0) {
        rejectedCount += b.rejected.length;
        if (listRejected) rejected.push(...b.rejected);
        progress.done();
        for (const r of b.rejected) rejections.print(r);
      }
      progress.tick(events, files);
    },
  };
  const readEvents = {
    onFile: () => void files++,
    onSkip: (file: string, reason: string) => process.stderr.write(`${safe(file)}: skipped: ${safe(reason)}\n`),
    onPlan: (url: string, plan: ArchivePlan) => process.stderr.write(`${safe(url)}: ${planLine(plan)}\n`),
  };
  if (format === 'csv') out.write(csvHeader());
  // Options and s3:// URLs are checked here, before anything is read (one line each when wrong).
  const builder = new BatchBuilder(ev, settings);
  const inputs = openInputs(paths, opts, { ...readEvents, unwatched: builder.unwatched }, today());
  if (paths.some(isS3Url)) {
    // Archives in S3 are read in this thread, objects read ahead --concurrency at a time (--jobs is for local files).
    await drainItems(inputs, builder, sink.batch);
  } else if (jobs === 1) await scanInProcess(paths, ev, settings, sink);
  else {
    const data: ScanWorkerData = { snapshot: snapshotOf(pack), dir: pack.dir, root: pack.root, config, settings };
    await scanParallel(paths, jobs, data, ev, sink);
  }
  progress.done();
  rejections.flush();
  if (tagsUnknown.verdicts > 0) process.stderr.write(`${tagsUnknownNote(tagsUnknown)}\n`);
  const summary: ScanSummary = {
    packVersion: pack.version,
    rules: pack.rules.length,
    events,
    rejected: rejectedCount,
    violations,
    ...(filtering(filter) ? { filteredOut } : {}),
    notConfigured: ev.notes,
  };
  const report = { rows, rejected, summary, pack, filter, version: tpguardVersion() };
  if (format === 'json') out.write(`${safeJson({ summary, results: rows, rejected }, 2)}\n`);
  if (format === 'sarif') out.write(renderSarif(report));
  if (format === 'junit') out.write(renderJunit(report));
  if (format === 'table') {
    const color = colorEnabled({ isTTY: (out as { isTTY?: boolean }).isTTY, env: process.env, flag: opts.color });
    out.write(renderScanTable(rows, summary, color));
  }
  // One line per approved list the pack needs and the configuration leaves empty (not per resource).
  if (format === 'ndjson' || format === 'csv') for (const n of ev.notes) process.stderr.write(`${n.message}\n`);
  if (rejectedCount > 0) return Exit.usage;
  return failing ? Exit.findings : Exit.ok;
}

/**
 * One line saying which verdicts `scope.tags` kept from being reached: the resources' tags are not in
 * the events (CloudTrail carries none). scan judges each event alone; replay and the deployed
 * functions remember tags from Config items, GuardDuty and tagging calls.
 */
function tagsUnknownNote(u: { verdicts: number; resources: Set<string> }): string {
  const names = [...u.resources].slice(0, 3).map((r) => safe(r.slice(0, 200)));
  const more = u.resources.size > 3 ? ` and ${u.resources.size - 3} more` : '';
  return `scope: ${u.verdicts} verdicts not reached: the tags of ${u.resources.size} resources are unknown (${names.join(', ')}${more}) and only scope.tags could put them in scope; scan judges each event alone (see them with --all): replay the Config items that carry their tags, then the events`;
}

export function registerScan(program: Command): void {
  const scan = program
    .command('scan')
    .description('evaluate CloudTrail log files and EventBridge events against the policy pack (no database)')
    .argument(
      '<paths...>',
      'files, folders (recursive: .json, .json.gz, .ndjson, .jsonl), s3://bucket/prefix, or - for stdin',
    )
    .option('--config <file>', 'configuration file (default: ./tpguard.config.yaml when present)')
    .option('--policy <dir>', 'policy pack folder (default: ./policies when present, else the pack tpguard ships)')
    .option(
      '--format <format>',
      `output: ${SCAN_FORMATS.join(', ')} (sarif: SARIF 2.1.0 for code scanning; junit: JUnit XML for CI)`,
      'table',
    )
    .option('--all', 'list passes and cannot-evaluate verdicts too');
  filterOptions(scan)
    .option('--no-color', 'no colour in the table (also: NO_COLOR set, or output not a terminal)')
    .option(
      '--jobs <n>',
      `worker threads reading and evaluating files (default: the number of cores, ${DEFAULT_JOBS} here); the output is the same whatever the number`,
    )
    .addHelpText(
      'after',
      '\nExit status: 0 no reported violation at or above --fail-on, 1 there is one, 2 usage error or rejected input.\n\nExamples:\n  $ tpguard scan events/ --format ndjson\n  $ tpguard scan AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/ \n  $ tpguard scan AWSLogs/ --severity high --fail-on critical --format sarif > tpguard.sarif\n  $ tpguard scan AWSLogs/ --account 111122223333 --region eu-west-1 --rule "TPS-S3-*" --format csv > drift.csv\n  $ tpguard scan s3://org-trail-archive --from 2026-10-01 --to 2026-12-31 --account 111122223333\n  $ cat event.json | tpguard scan - --all\n\ns3:// reads with the AWS credential chain; AWS_ENDPOINT_URL_S3 points it at an S3-compatible store.',
    );
  archiveOptions(scan).action(async (paths: string[], opts: ScanOptions) => {
    process.exitCode = await runScan(paths, opts);
  });
}
