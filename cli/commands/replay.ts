import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { EmbeddedStoreError } from '../../shared/adapters/local/index.js';
import { TRANSITION_GROUP_PATTERN, TRANSITION_PATTERN } from '../../shared/adapters/local/index.js';
import {
  DEFAULT_DATA_DIR,
  startLocalRuntime,
  type LocalRuntime,
  type RunSummary,
} from '../../shared/adapters/local/index.js';
import { createLocalNotifier } from '../../shared/adapters/local/index.js';
import type { DriftRecord, DriftTransition } from '../../shared/drift/index.js';
import { isS3Url } from '../../shared/backfill/index.js';
import { SEVERITIES, SEVERITY_RANK } from '../../shared/kernel/index.js';
import { BATCH_SUMMARY_DETAIL_TYPE, batchHeadline, type BatchSummary } from '../../shared/notify/index.js';
import { type ArchiveOptions, archiveOptions, openInputs } from '../archive-inputs.js';
import { commandClock } from '../clock.js';
import { Exit, loadContext, type LoadOptions } from '../context.js';
import { CliError } from '../errors.js';
import { rejectionPrinter, safe } from '../terminal.js';
import { planLine, today } from './scan.js';

/** Options of every command that runs the local monitor. */
export interface RuntimeOptions extends LoadOptions {
  dataDir: string;
}

/** Adds `--data-dir`, `--config` and `--policy`. */
export function runtimeOptions(cmd: Command): Command {
  return cmd
    .option('--data-dir <dir>', 'data folder: embedded DynamoDB, outbox.ndjson, inbox', DEFAULT_DATA_DIR)
    .option('--config <file>', 'configuration file (default: ./tpguard.config.yaml when present)')
    .option('--policy <dir>', 'policy pack folder (default: ./policies when present, else the pack tpguard ships)');
}

/**
 * One console line per transition:
 * `2026-11-02T10:05:00.000Z  OPENED     high      TPS-S3-04  s3-bucket/ml-training-vision-raw  owner vision  d-…`
 */
export function transitionLine(t: DriftTransition): string {
  const r = t.record;
  return [
    t.eventTime,
    t.kind.toUpperCase().padEnd(10),
    r.severity.padEnd(13),
    r.ruleId.padEnd(10),
    safe(`${r.resourceType}/${r.resourceId}`),
    ` owner ${safe(r.owner ?? 'default')}`,
    ` ${r.driftId}`,
  ].join('  ');
}

/**
 * Starts the local runtime for a command: configuration and pack, the embedded store under
 * `--data-dir` (shared with a running serve/start), the clock (`--now`), the console printer
 * and the local notifier (outbox.ndjson) subscribed to the transition groups (one message per event and owner).
 * @example const rt = await openRuntime(opts, cmd, 'replay', { printTransitions: true })
 */
export async function openRuntime(
  opts: RuntimeOptions,
  cmd: Command,
  intake: string,
  display: { printTransitions: boolean; out?: NodeJS.WritableStream },
): Promise<LocalRuntime> {
  const { config, pack } = await loadContext(opts, { noticeWithoutConfig: true });
  const out = display.out ?? process.stdout;
  const clock = commandClock(cmd);
  await mkdir(opts.dataDir, { recursive: true }).catch((err: NodeJS.ErrnoException) => {
    throw new CliError(`--data-dir ${opts.dataDir}: cannot create it (${err.code ?? err.message})`);
  });
  let rt: LocalRuntime;
  try {
    rt = await startLocalRuntime({ config, pack, dataDir: opts.dataDir, clock, intake });
  } catch (err) {
    if (err instanceof EmbeddedStoreError) throw new CliError(err.message);
    throw err;
  }
  // `display` is read at each event: start replays quietly, then prints while it serves.
  rt.bus.subscribe(
    TRANSITION_PATTERN,
    (e) => {
      if (e['detail-type'] === BATCH_SUMMARY_DETAIL_TYPE) {
        if (display.printTransitions) out.write(`${summaryLine(e.detail as unknown as BatchSummary)}\n`);
        return;
      }
      const t = e.detail as unknown as DriftTransition;
      if (display.printTransitions && !t.republished) out.write(`${transitionLine(t)}\n`);
    },
    'console',
  );
  const log = (line: string) => void (display.printTransitions && out.write(`  ${line}\n`));
  rt.bus.subscribe(
    TRANSITION_GROUP_PATTERN,
    createLocalNotifier({ dataDir: opts.dataDir, config, pack, table: rt.table, clock, log }),
    'notifier',
  );
  rt.bus.onError(
    (e) => void process.stderr.write(`${safe(`${e.subscriber}: ${e.detailType} ${e.eventId}: ${e.error}`)}\n`),
  );
  // Once per run: rules that judge only part of what they check until an approved list is set.
  for (const n of rt.deps.evaluator.notes) process.stderr.write(`${n.message}\n`);
  return rt;
}

/** One console line per batch summary: `SUMMARY  baseline of 111122223333/eu-west-1: 5 resources out of policy, ...  owner nlp`. */
export function summaryLine(s: BatchSummary): string {
  return `${s.at}  ${'SUMMARY'.padEnd(10)}  ${batchHeadline(s)}  (owner ${s.owner}, one message per channel)`;
}

/** Open drift by severity, e.g. `2 critical, 4 high`. */
export function bySeverity(records: readonly DriftRecord[]): string {
  const counts = SEVERITIES.map((s) => [s, records.filter((r) => r.severity === s).length] as const).filter(
    ([, n]) => n > 0,
  );
  return counts.length === 0 ? 'none' : counts.map(([s, n]) => `${n} ${s}`).join(', ');
}

/** Sorts drift most severe first, then most recent. */
export function bySeverityThenRecent(a: DriftRecord, b: DriftRecord): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    b.lastSeen.localeCompare(a.lastSeen) ||
    a.driftId.localeCompare(b.driftId)
  );
}

/** The summary lines of a run: events, rejected, transitions, open drift. */
export function summaryLines(run: RunSummary, open: readonly DriftRecord[]): string[] {
  const t = run.transitions;
  return [
    `events: ${run.inputs - run.rejected} read, ${run.routed} routed to the ingest handlers, ${run.unrouted} matched no rule; ${run.rejected} rejected`,
    `findings: ${run.findings} recorded (${run.violations} violations), ${run.cannotEvaluate} could not be evaluated (${run.unverifiable} recorded as unverifiable)`,
    `transitions: ${t.opened} opened, ${t.resolved} resolved, ${t.reopened} reopened, ${t.suppressed} suppressed, ${t.unverifiable} unverifiable${run.late > 0 ? ` (${run.late} announced late: their events arrived after later ones)` : ''}${run.republished > 0 ? ` (${run.republished} published again for events seen before)` : ''}`,
    `open drift: ${open.length} (${bySeverity(open)})`,
  ];
}

interface ReplayOptions extends RuntimeOptions, ArchiveOptions {
  quiet?: boolean;
}

/** Replays inputs through the local runtime; returns the exit status. */
export async function runReplay(
  paths: string[],
  opts: ReplayOptions,
  cmd: Command,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  // Before the store is opened: a typo in a path must not leave a data folder behind.
  const missing = paths.filter((p) => p !== '-' && !isS3Url(p) && !existsSync(p));
  if (missing.length > 0) throw new CliError(`no such file or folder: ${missing.join(', ')} (nothing replayed)`);
  // Options and URLs are checked before the store opens. Replay has no row filter: --account and
  // --region only choose the folders a dated selection lists.
  if (opts.from === undefined && (opts.account?.length || opts.region?.length))
    throw new CliError('--account and --region choose the folders of a dated s3:// selection: give --from');
  const inputs = openInputs(
    paths,
    opts,
    {
      onSkip: (file, reason) => process.stderr.write(`${safe(file)}: skipped: ${safe(reason)}\n`),
      onPlan: (url, plan) => process.stderr.write(`${safe(url)}: ${planLine(plan)}\n`),
    },
    today(),
  );
  const rt = await openRuntime(opts, cmd, 'replay', { printTransitions: !opts.quiet, out });
  try {
    // Printed after the run (transition lines go to stdout meanwhile), at most 20 per input: what
    // intake could not read, and what the ingest handlers refused (dated too far into the future).
    const lines: string[] = [];
    const rejections = rejectionPrinter((line) => void lines.push(line));
    const run = await rt.ingest(
      (async function* () {
        for await (const item of inputs) {
          if (!item.ok) rejections.print(item.rejection);
          yield item;
        }
      })(),
      rejections.print,
    );
    rejections.flush();
    for (const line of lines) process.stderr.write(`${line}\n`);
    const open = await rt.store.queryRecords({ statuses: ['open'] });
    out.write(`${summaryLines(run, open).join('\n')}\n`);
    if (run.errors.length > 0) return Exit.usage;
    return run.rejected > 0 ? Exit.usage : Exit.ok;
  } finally {
    await rt.close();
  }
}

export function registerReplay(program: Command): void {
  const cmd = runtimeOptions(
    program
      .command('replay')
      .description(
        'feed events through the ingest handlers into the local drift store (same input shapes as scan), then print a summary',
      )
      .argument(
        '<paths...>',
        'files, folders (recursive: .json, .json.gz, .ndjson, .jsonl), s3://bucket/prefix, or - for stdin',
      ),
  )
    .option('--quiet', 'no line per transition, only the summary')
    .addHelpText(
      'after',
      '\nReplaying the same events again changes nothing (idempotent by event id, ordered by event time).\nExit status: 0 done, 2 usage error, rejected input or handler failure.\n\nExamples:\n  $ tpguard replay events/\n  $ tpguard replay AWSLogs/ --data-dir /tmp/tpguard --quiet\n  $ tpguard replay s3://org-trail-archive --from 2026-11-01 --to 2026-11-30 --quiet\n  $ cat event.json | tpguard replay -',
    );
  archiveOptions(cmd).action(async (paths: string[], opts: ReplayOptions, cmd: Command) => {
    process.exitCode = await runReplay(paths, opts, cmd);
  });
}
