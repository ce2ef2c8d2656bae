import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { generatePatterns } from '../../shared/policy/index.js';
import { buildEvidence } from '../../shared/report/index.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../shared/report/index.js';
import { endOfLocalDay, fromWallTime } from '../../shared/review/index.js';
import { resolveReviewSettings } from '../../shared/review/index.js';
import { InvalidTimestampError, parseIsoTime } from '../../shared/kernel/index.js';
import { isRecord } from '../../shared/kernel/index.js';
import { PACKAGE_ROOT } from '../context.js';
import { CliError } from '../errors.js';
import { storeOptions, withReviewRuntime, type StoreOptions } from './review-runtime.js';

interface ReportOptions extends StoreOptions {
  format: string;
  out?: string;
  from?: string;
  to?: string;
}

/** Default window when `--from` is not given: the last year. */
export const DEFAULT_WINDOW_DAYS = 365;

/**
 * A `--from`/`--to` bound: a date is the start (`--from`) or the end (`--to`) of that local day
 * in the review timezone; a date-time is taken as is.
 * @example windowBound('2027-06-30', 'to', 'UTC') // '2027-07-01T00:00:00.000Z'
 */
export function windowBound(value: string, side: 'from' | 'to', timezone: string): string {
  try {
    const v = value.trim();
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return parseIsoTime(v).toISOString();
    parseIsoTime(v);
    if (side === 'to') return endOfLocalDay(v, timezone).toISOString();
    return fromWallTime(
      {
        year: Number(v.slice(0, 4)),
        month: Number(v.slice(5, 7)),
        day: Number(v.slice(8, 10)),
        hour: 0,
        minute: 0,
        second: 0,
      },
      timezone,
    ).toISOString();
  } catch (err) {
    if (err instanceof InvalidTimestampError) throw new CliError(`--${side}: ${err.message}`);
    throw err;
  }
}

/** The functions the deployment defines: the keys of `functions` in serverless.yml, else the files in functions/. */
export async function deployedFunctions(): Promise<{ functions: string[]; source: string }> {
  for (const root of [process.cwd(), PACKAGE_ROOT]) {
    const file = join(root, 'serverless.yml');
    if (!existsSync(file)) continue;
    const doc = parseDocument(await readFile(file, 'utf8'), { logLevel: 'silent' });
    const fns = (doc.toJS() as Record<string, unknown> | null)?.functions;
    if (isRecord(fns)) return { functions: Object.keys(fns), source: 'serverless.yml' };
  }
  const dir = join(PACKAGE_ROOT, 'functions');
  const files = existsSync(dir)
    ? (await readdir(dir)).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''))
    : [];
  return { functions: files.sort(), source: 'functions/' };
}

async function report(opts: ReportOptions, cmd: Command): Promise<void> {
  if (!(REPORT_FORMATS as readonly string[]).includes(opts.format))
    throw new CliError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const text = await withReviewRuntime(
    opts,
    cmd,
    async (rt) => {
      const tz = resolveReviewSettings(rt.config).timezone;
      const now = rt.clock.now();
      const to = opts.to ? windowBound(opts.to, 'to', tz) : now.toISOString();
      const from = opts.from
        ? windowBound(opts.from, 'from', tz)
        : new Date(Date.parse(to) - DEFAULT_WINDOW_DAYS * 86_400_000).toISOString();
      if (from >= to) throw new CliError(`--from (${from}) must be before --to (${to})`);
      const [facts, tasks, exceptions, deployment] = await Promise.all([
        rt.deps.drift.facts(to),
        rt.deps.store.listTasks(),
        rt.deps.exceptions.list(),
        deployedFunctions(),
      ]);
      const evidence = buildEvidence({
        now,
        from,
        to,
        timezone: tz,
        pack: rt.pack,
        config: rt.config,
        patterns: generatePatterns(rt.pack),
        functions: deployment.functions,
        deploymentSource: deployment.source,
        facts,
        tasks,
        exceptions,
      });
      return renderReport(evidence, opts.format as ReportFormat);
    },
    () => undefined,
  );
  if (!opts.out) {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  await writeFile(opts.out, text, 'utf8');
  process.stderr.write(`report written to ${opts.out} (${opts.format}, ${Buffer.byteLength(text)} bytes)\n`);
}

export function registerReport(program: Command): void {
  storeOptions(
    program
      .command('report')
      .description(
        "the auditor's evidence report for MDS-01: control, AI-CAIQ answers, auditing guidelines, drift and reviews",
      ),
  )
    .option('--format <format>', `${REPORT_FORMATS.join(', ')}`, 'md')
    .option('--out <file>', 'write to this file instead of stdout')
    .option(
      '--from <date>',
      `start of the period (YYYY-MM-DD or ISO-8601; default: ${DEFAULT_WINDOW_DAYS} days before --to)`,
    )
    .option('--to <date>', 'end of the period, inclusive for a date (default: now, or --now)')
    .addHelpText(
      'after',
      '\nExamples:\n  $ tpguard report --format html --out mds-01.html\n  $ tpguard report --format json --from 2027-01-01 --to 2027-06-30 | jq ".caiq"',
    )
    .action((opts: ReportOptions, cmd: Command) => report(opts, cmd));
}
