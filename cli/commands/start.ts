import type { Command } from 'commander';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type LocalRuntime, type RunSummary, SnapshotFileReader } from '../../shared/adapters/local/index.js';
import type { BaselineResult } from '../../shared/baseline/index.js';
import { batchHeadline } from '../../shared/notify/index.js';
import type { DriftRecord } from '../../shared/drift/index.js';
import { readInputs } from '../../shared/events/index.js';
import { renderTable } from '../table.js';
import { PACKAGE_ROOT } from '../context.js';
import { tpguardCommand } from '../invocation.js';
import { bySeverityThenRecent, openRuntime, runtimeOptions, summaryLines, type RuntimeOptions } from './replay.js';
import { DEFAULT_PORT, serveUntilInterrupted } from './serve.js';
import { reviewStatusBlock } from './review.js';
import { rejectionPrinter, safe } from '../terminal.js';

/** The sample AWS Config snapshot under the events folder: read as a baseline before the replay. */
export const BASELINE_SUBDIR = 'baseline';

interface StartOptions extends RuntimeOptions {
  once?: boolean;
  events?: string;
  port: string;
  inbox?: string;
}

/** `--events DIR`, else `./events` when present, else the demo events tpguard ships. */
function eventsDir(option: string | undefined): string {
  if (option) return option;
  return existsSync('events') ? 'events' : join(PACKAGE_ROOT, 'events');
}

/** The open drift table of the start screen: what, where, whose, how bad, since when. */
export function openDriftTable(open: readonly DriftRecord[]): string {
  return renderTable(
    ['SEVERITY', 'RULE', 'RESOURCE', 'OWNER', 'OPENED', 'TITLE'],
    [...open]
      .sort(bySeverityThenRecent)
      .map((r) => [
        r.severity,
        r.ruleId,
        `${r.resourceType}/${r.resourceId}`,
        r.owner ?? 'default',
        (r.openedAt ?? r.firstSeen ?? r.lastSeen).slice(0, 16).replace('T', ' '),
        r.title,
      ]),
    44,
  );
}

/** Rows of the start screen's table; the rest is one `drift list` away. */
const SCREEN_ROWS = 15;

function openDriftBlock(open: readonly DriftRecord[]): string[] {
  const sorted = [...open].sort(bySeverityThenRecent);
  const owners = new Map<string, number>();
  for (const r of open) owners.set(r.owner ?? 'default', (owners.get(r.owner ?? 'default') ?? 0) + 1);
  const lines = [
    `Open drift, most severe first (by owner: ${[...owners]
      .sort((a, b) => b[1] - a[1])
      .map(([o, n]) => `${o} ${n}`)
      .join(', ')}):`,
    openDriftTable(sorted.slice(0, SCREEN_ROWS)),
  ];
  if (sorted.length > SCREEN_ROWS)
    lines.push(`... and ${sorted.length - SCREEN_ROWS} more: ${tpguardCommand()} drift list`);
  return lines;
}

/** What the baseline before the replay read and found, per account and region, and the summaries it sent. */
export function baselineBlock(result: BaselineResult, from: string): string[] {
  const r0 = result.runs[0];
  if (!r0) return [`baseline from ${safe(from)}: nothing read (no resource type of the pack in it)`];
  return [
    `baseline from ${safe(from)} (the state that existed before the events, as a user sees it on day one):`,
    ...result.runs.map(
      (r) =>
        `  ${safe(`${r.account}/${r.region}`)}: ${r.covered.length} resource type${r.covered.length === 1 ? '' : 's'}, ${r.read} resources read, ${r.evaluated} evaluated, ${r.unreadable} unreadable; ${r.violations} violations, ${r.transitions.opened} drift opened, ${r.transitions.resolved + r.transitions.gone} resolved`,
    ),
    ...result.summaries.map(
      (s) => `  summary to ${safe(s.owner)}: ${safe(batchHeadline(s))} (one message per channel)`,
    ),
  ];
}

/**
 * The one-screen summary after the replay. Each feature adds its block to `sections`
 * (the review status, for one), so start stays one place to look.
 */
export async function startScreen(
  rt: LocalRuntime,
  run: RunSummary,
  source: string,
  dataDir: string,
  baseline?: { result: BaselineResult; from: string },
): Promise<string> {
  const open = await rt.store.queryRecords({ statuses: ['open'] });
  const suppressed = await rt.store.queryRecords({ statuses: ['suppressed'] });
  const pack = rt.deps.evaluator.pack;
  const sections: string[][] = [
    [
      `tpguard local monitor: policy pack ${pack.version} (${pack.rules.length} rules), Node ${process.version}, data ${dataDir}`,
    ],
    ...(baseline ? [baselineBlock(baseline.result, baseline.from)] : []),
    [
      `replayed ${source}`,
      ...summaryLines(run, open).map((l) => `  ${l}`),
      `  suppressed by exceptions: ${suppressed.length}`,
    ],
    open.length > 0 ? openDriftBlock(open) : ['No open drift.'],
    await reviewStatusBlock(rt.table, rt.deps.evaluator.config, rt.deps.clock.now()),
    [
      `Next: ${['drift list --all', 'drift show <id>', 'drift resolve <id> --by NAME --reason TEXT']
        .map((c) => `${tpguardCommand()} ${c}`)
        .join(' | ')}`,
      `Messages that would be sent: ${join(dataDir, 'outbox.ndjson')}`,
    ],
  ];
  return `${sections.map((s) => s.join('\n')).join('\n\n')}\n`;
}

async function runStart(opts: StartOptions, cmd: Command, out: NodeJS.WritableStream = process.stdout): Promise<void> {
  const display = { printTransitions: false, out };
  const rt = await openRuntime(opts, cmd, 'start', display);
  try {
    const dir = eventsDir(opts.events);
    const lines: string[] = [];
    // Day one: the sample Config snapshot is read as a baseline (pre-existing drift, one summary per
    // owner), then the events are replayed after it.
    const snapshot = join(dir, BASELINE_SUBDIR);
    let baseline: { result: BaselineResult; from: string } | undefined;
    let inputs = [dir];
    if (existsSync(snapshot)) {
      const reader = new SnapshotFileReader([snapshot], (f, why) => void lines.push(`skipped ${f}: ${why}`));
      baseline = { result: await rt.baseline(reader, 'snapshot'), from: relative(process.cwd(), snapshot) || snapshot };
      inputs = readdirSync(dir)
        .filter((name) => name !== BASELINE_SUBDIR)
        .sort()
        .map((name) => join(dir, name));
    }
    const rejections = rejectionPrinter((line) => void lines.push(line), 'rejected ');
    const run = await rt.ingest(
      (async function* () {
        for await (const item of readInputs(inputs)) {
          if (!item.ok) rejections.print(item.rejection);
          yield item;
        }
      })(),
      rejections.print,
    );
    rejections.flush();
    for (const line of lines) process.stderr.write(`${line}\n`);
    out.write(await startScreen(rt, run, relative(process.cwd(), dir) || dir, opts.dataDir, baseline));
    if (opts.once) return;
    display.printTransitions = true;
    out.write('\n');
    await serveUntilInterrupted(rt, opts, out);
  } finally {
    await rt.close();
  }
}

export function registerStart(program: Command): void {
  runtimeOptions(
    program
      .command('start')
      .description(
        'the local monitor (npm start): embedded store, a baseline from the sample Config snapshot (events/baseline/), replay of events/, open drift, then serve until Ctrl-C',
      ),
  )
    .option('--once', 'stop after the replay and the summary')
    .option('--events <dir>', 'events to replay (default: ./events)')
    .option('--port <n>', 'port of the local HTTP intake on 127.0.0.1', String(DEFAULT_PORT))
    .option('--inbox <dir>', 'folder watched for new event files (default: <data-dir>/inbox)')
    .addHelpText(
      'after',
      '\nReplaying is idempotent: starting again on the same --data-dir records nothing twice.\n\nExamples:\n  $ npm start\n  $ npm start -- --once\n  $ tpguard start --data-dir /tmp/demo --port 0',
    )
    .action((opts: StartOptions, cmd: Command) => runStart(opts, cmd));
}
