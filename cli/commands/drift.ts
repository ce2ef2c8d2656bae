import type { Command } from 'commander';
import { DriftError } from '../../shared/drift/index.js';
import { isDriftId } from '../../shared/drift/index.js';
import { resolveManually } from '../../shared/drift/index.js';
import type { DriftRecord, DriftStatus } from '../../shared/drift/index.js';
import { renderTable } from '../table.js';
import { Exit } from '../context.js';
import { CliError } from '../errors.js';
import { bySeverityThenRecent, openRuntime, runtimeOptions, type RuntimeOptions } from './replay.js';

/** The statuses `drift list` can show (`compliant` records are not drift). */
const LISTABLE = ['open', 'suppressed', 'resolved'] as const satisfies readonly DriftStatus[];
const FORMATS = ['table', 'json'] as const;

interface ListOptions extends RuntimeOptions {
  status: string;
  all?: boolean;
  format: string;
}

const day = (iso?: string) => (iso ? iso.replace('T', ' ').slice(0, 16) : '-');

/** The drift table: severity first, then rule, resource, owner, status, since, occurrences, id. */
export function driftTable(records: readonly DriftRecord[]): string {
  return renderTable(
    ['SEVERITY', 'RULE', 'RESOURCE', 'OWNER', 'STATUS', 'SINCE', 'EVENTS', 'DRIFT ID'],
    records.map((r) => [
      r.severity,
      r.ruleId,
      `${r.resourceType}/${r.resourceId}`,
      r.owner ?? 'default',
      r.status,
      day(r.openedAt ?? r.firstSeen),
      String(r.occurrences),
      r.driftId,
    ]),
    48,
  );
}

async function list(opts: ListOptions, cmd: Command): Promise<void> {
  if (!FORMATS.includes(opts.format as (typeof FORMATS)[number]))
    throw new CliError(`--format must be one of ${FORMATS.join(', ')}`);
  if (!opts.all && !LISTABLE.includes(opts.status as (typeof LISTABLE)[number]))
    throw new CliError(`--status must be one of ${LISTABLE.join(', ')}`);
  const statuses: DriftStatus[] = opts.all ? [...LISTABLE] : [opts.status as DriftStatus];
  const rt = await openRuntime(opts, cmd, 'drift', { printTransitions: false });
  try {
    const records = (await rt.store.queryRecords({ statuses })).sort(bySeverityThenRecent);
    if (opts.format === 'json') process.stdout.write(`${JSON.stringify(records, null, 2)}\n`);
    else
      process.stdout.write(
        records.length === 0
          ? `no ${statuses.join('/')} drift\n`
          : `${driftTable(records)}\n\n${records.length} ${statuses.join('/')} drift record(s)\n`,
      );
  } finally {
    await rt.close();
  }
}

async function show(driftId: string, opts: RuntimeOptions, cmd: Command): Promise<void> {
  if (!isDriftId(driftId)) throw new CliError(`not a drift id: ${driftId} (ids look like d-5f0c1e2a3b4c5d6e7f80)`);
  const rt = await openRuntime(opts, cmd, 'drift', { printTransitions: false });
  try {
    const record = await rt.store.getRecord(driftId);
    if (!record) throw new CliError(`no drift record ${driftId} (see: tpguard drift list --all)`);
    const history = await rt.store.listHistory(driftId);
    process.stdout.write(`${JSON.stringify({ record, history }, null, 2)}\n`);
  } finally {
    await rt.close();
  }
}

interface ResolveOptions extends RuntimeOptions {
  by: string;
  reason: string;
}

async function resolve(driftId: string, opts: ResolveOptions, cmd: Command): Promise<void> {
  if (!isDriftId(driftId)) throw new CliError(`not a drift id: ${driftId} (ids look like d-5f0c1e2a3b4c5d6e7f80)`);
  if (!opts.by.trim() || !opts.reason.trim()) throw new CliError('--by and --reason must not be empty');
  const rt = await openRuntime(opts, cmd, 'drift', { printTransitions: true });
  try {
    const t = await resolveManually(rt.store, driftId, opts.by.trim(), opts.reason.trim(), rt.deps.clock.now());
    await rt.deps.publisher.publish([t]);
  } catch (err) {
    if (err instanceof DriftError) throw new CliError(err.message, Exit.usage);
    throw err;
  } finally {
    await rt.close();
  }
}

export function registerDrift(program: Command): void {
  const drift = program.command('drift').description('list, inspect and resolve drift recorded in the local store');

  runtimeOptions(drift.command('list').description('list drift records (default: open), most severe first'))
    .option('--status <status>', `one of ${LISTABLE.join(', ')}`, 'open')
    .option('--all', 'open, suppressed and resolved')
    .option('--format <format>', `output: ${FORMATS.join(', ')}`, 'table')
    .addHelpText(
      'after',
      '\nThe JSON form is an array of drift records (driftId, resourceType, resourceId, ruleId, severity, status,\nfirstSeen, lastSeen, occurrences, owner, ...).\n\nExamples:\n  $ tpguard drift list\n  $ tpguard drift list --all --format json | jq \'.[] | select(.severity == "critical")\'',
    )
    .action((opts: ListOptions, cmd: Command) => list(opts, cmd));

  runtimeOptions(
    drift
      .command('show')
      .description('a drift record and its history (every observation, redacted evidence)')
      .argument('<driftId>', 'id from drift list'),
  )
    .addHelpText('after', '\nExample:\n  $ tpguard drift show d-5f0c1e2a3b4c5d6e7f80')
    .action((id: string, opts: RuntimeOptions, cmd: Command) => show(id, opts, cmd));

  runtimeOptions(
    drift
      .command('resolve')
      .description('resolve open or suppressed drift by hand (recorded in history, "Drift Resolved" published)')
      .argument('<driftId>', 'id from drift list'),
  )
    .requiredOption('--by <name>', 'who resolves it')
    .requiredOption('--reason <text>', 'why (kept in history and sent with the notification)')
    .addHelpText(
      'after',
      '\nExample:\n  $ tpguard drift resolve d-5f0c1e2a3b4c5d6e7f80 --by alice --reason "bucket deleted, data migrated"',
    )
    .action((id: string, opts: ResolveOptions, cmd: Command) => resolve(id, opts, cmd));
}
