import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { generatePatterns } from '../../shared/policy/index.js';
import { buildEvidence, type ReportOrigin } from '../../shared/report/index.js';
import { REPORT_FORMATS, renderReport, type ReportFormat } from '../../shared/report/index.js';
import { endOfLocalDay, fromWallTime } from '../../shared/review/index.js';
import { resolveReviewSettings } from '../../shared/review/index.js';
import { InvalidTimestampError, parseIsoTime } from '../../shared/kernel/index.js';
import { actorLabel, isRecord } from '../../shared/kernel/index.js';
import { PACKAGE_ROOT } from '../context.js';
import { CliError } from '../errors.js';
import { tpguardVersion } from '../version.js';
import { requireDeployedPack, storeOptions, withStore, type Store, type StoreOptions } from '../store.js';

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

/**
 * What the report cites as deployed: against a stack, its outputs (the patterns and functions it
 * was deployed with) and where the facts came from; locally, the patterns generated from the pack
 * and the functions of serverless.yml.
 */
async function deploymentOf(store: Store): Promise<{
  patterns: { name: string }[];
  functions: string[];
  source: string;
  origin?: ReportOrigin;
}> {
  const d = store.deployment;
  if (!d) {
    const local = await deployedFunctions();
    return { patterns: generatePatterns(store.pack), functions: local.functions, source: local.source };
  }
  const change = await store.deps.store.getPackChange(d.stack?.packVersion ?? store.pack.version);
  const origin: ReportOrigin = {
    account: d.account,
    region: d.region,
    ...(d.stack ? { stack: d.stack.stackName } : {}),
    table: d.tableName,
    ...(d.stack?.packVersion ? { packVersion: d.stack.packVersion } : {}),
    ...(change
      ? { packRecordedBy: actorLabel(change.changedBy, change.changedByName), packRecordedAt: change.changedAt }
      : {}),
    ...(d.stack?.lastUpdated ? { stackUpdatedAt: d.stack.lastUpdated } : {}),
    generatedBy: d.identity,
  };
  if (d.stack?.patterns && d.stack.functions)
    return {
      patterns: d.stack.patterns.map((name) => ({ name })),
      functions: d.stack.functions,
      source: `stack ${d.stack.stackName} outputs`,
      origin,
    };
  // A stack without these outputs (deployed before they existed), or a table named with --table.
  const local = await deployedFunctions();
  return {
    patterns: generatePatterns(store.pack),
    functions: local.functions,
    source: `${local.source}; not read from the deployment`,
    origin,
  };
}

async function report(opts: ReportOptions, cmd: Command): Promise<void> {
  if (!(REPORT_FORMATS as readonly string[]).includes(opts.format))
    throw new CliError(`--format must be one of ${REPORT_FORMATS.join(', ')}`);
  const text = await withStore(opts, cmd, async (rt) => {
    requireDeployedPack(rt);
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
      deploymentOf(rt),
    ]);
    const evidence = buildEvidence({
      now,
      tpguardVersion: tpguardVersion(),
      ...(rt.deployment ? {} : { localStore: rt.where }),
      from,
      to,
      timezone: tz,
      pack: rt.pack,
      config: rt.config,
      patterns: deployment.patterns,
      functions: deployment.functions,
      deploymentSource: deployment.source,
      facts,
      tasks,
      exceptions,
      ...(deployment.origin ? { origin: deployment.origin } : {}),
    });
    return renderReport(evidence, opts.format as ReportFormat);
  });
  if (!opts.out) {
    process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
    return;
  }
  try {
    await writeFile(opts.out, text, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const problem = code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : (code ?? 'failed');
    throw new CliError(`${opts.out}: cannot write: ${problem}`, 2, { cause: err });
  }
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
      '\nFrom a deployed stack (--stage) the report names the account, region, stack and the pack version it runs,\ncites the patterns and functions of the stack\'s outputs, and the AWS identities that signed off.\n\nExamples:\n  $ tpguard report --format html --out mds-01.html\n  $ tpguard report --format json --from 2027-01-01 --to 2027-06-30 | jq ".caiq"\n  $ tpguard report --stage prod --region eu-west-1 --format html --out mds-01-prod.html',
    )
    .action((opts: ReportOptions, cmd: Command) => report(opts, cmd));
}
