import type { Command } from 'commander';
import { readInputs } from '../../shared/events/index.js';
import type { Observation, Rejection } from '../../shared/sources/index.js';
import { createEvaluator, evaluate, type Finding } from '../../shared/policy/index.js';
import { redactString, SEVERITY_RANK } from '../../shared/kernel/index.js';
import { Exit, loadContext } from '../context.js';
import { CliError } from '../errors.js';
import { renderTable } from '../table.js';
import { rejectionPrinter, safe, safeJson } from '../terminal.js';

const FORMATS = ['table', 'json', 'ndjson'] as const;
type Format = (typeof FORMATS)[number];

interface ScanOptions {
  config?: string;
  policy?: string;
  format: string;
  all?: boolean;
}

/** One line of `--format ndjson`, one (event, rule, resource) verdict. */
export interface ScanRow {
  eventId: string;
  eventTime: string;
  source: string;
  account: string;
  region: string;
  eventName?: string;
  ruleId: string;
  severity: string;
  resourceType: string;
  resourceId: string;
  title: string;
  verdict: string;
  actor?: string;
  where: string;
  reason?: string;
}

function toRow(obs: Observation, f: Finding, where: string): ScanRow {
  const row: ScanRow = {
    eventId: obs.eventId,
    eventTime: obs.eventTime,
    source: obs.source,
    account: obs.account,
    region: obs.region,
    ruleId: f.ruleId,
    severity: f.severity,
    resourceType: f.resource.type,
    resourceId: f.resource.id,
    title: f.title,
    verdict: f.verdict,
    where,
  };
  if (obs.trigger.eventName) row.eventName = obs.trigger.eventName;
  if (obs.actor?.arn) row.actor = obs.actor.arn;
  // A reason may quote a field of the event (a CEL error): redacted like the logs.
  if (f.reason) row.reason = redactString('', f.reason);
  return row;
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

/** Scans inputs; returns the exit status. Writes results to stdout, rejections to stderr. */
export async function runScan(
  paths: string[],
  opts: ScanOptions,
  out: NodeJS.WritableStream = process.stdout,
): Promise<number> {
  if (!FORMATS.includes(opts.format as Format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}`);
  const format = opts.format as Format;
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
  const inputs = readInputs(paths, {
    onFile: () => void files++,
    onSkip: (file, reason) => process.stderr.write(`${safe(file)}: skipped: ${safe(reason)}\n`),
  });
  for await (const item of inputs) {
    if (!item.ok) {
      rejectedCount++;
      // Only the json format lists them in its output; the others need the count only.
      if (format === 'json') rejected.push(item.rejection);
      progress.done();
      rejections.print(item.rejection);
      continue;
    }
    events++;
    progress.tick(events, files);
    for (const f of evaluate(ev, item.observation)) {
      if (f.verdict === 'violation') violations++;
      else if (!opts.all) continue;
      const row = toRow(item.observation, f, item.where);
      if (format === 'ndjson') out.write(`${safeJson(row)}\n`);
      else rows.push(row);
    }
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
  if (format === 'json') out.write(`${safeJson({ summary, results: rows, rejected }, 2)}\n`);
  if (format === 'table') out.write(renderScanTable(rows, summary));
  // One line per approved list the pack needs and the configuration leaves empty (not per resource).
  if (format === 'ndjson') for (const n of ev.notes) process.stderr.write(`${n.message}\n`);
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
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'table')
    .option('--all', 'list passes and cannot-evaluate verdicts too')
    .addHelpText(
      'after',
      '\nExit status: 0 no violation, 1 violations found, 2 usage error or rejected input.\n\nExamples:\n  $ tpguard scan events/ --format ndjson\n  $ tpguard scan AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/ \n  $ cat event.json | tpguard scan - --all',
    )
    .action(async (paths: string[], opts: ScanOptions) => {
      process.exitCode = await runScan(paths, opts);
    });
}
